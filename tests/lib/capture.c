/*
 * capture.c: redirect a stdio stream's file descriptor to a temporary file
 * and read back what was written (capture.h).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "harness.h"
#include "capture.h"

int umbra_capture_begin(struct umbra_capture *cap, FILE *stream)
{
    int fd, tmp;

    cap->stream = stream;
    cap->saved_fd = -1;
    fflush(stream);
    fd = fileno(stream);
    if (snprintf(cap->path, sizeof(cap->path), "%s/capture-XXXXXX", umbra_test_tmpdir())
        >= (int)sizeof(cap->path))
        return -1;
    if ((tmp = mkstemp(cap->path)) < 0) return -1;
    if ((cap->saved_fd = dup(fd)) < 0 || dup2(tmp, fd) < 0)
    {
        close(tmp);
        unlink(cap->path);
        if (cap->saved_fd >= 0) close(cap->saved_fd);
        cap->saved_fd = -1;
        return -1;
    }
    close(tmp);
    return 0;
}

char *umbra_capture_end(struct umbra_capture *cap, size_t *len)
{
    char *data = NULL;
    size_t size = 0;
    FILE *f;

    if (cap->saved_fd < 0) return NULL;
    fflush(cap->stream);
    dup2(cap->saved_fd, fileno(cap->stream));
    close(cap->saved_fd);
    cap->saved_fd = -1;

    if ((f = fopen(cap->path, "rb")))
    {
        long n;
        if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) >= 0 && !fseek(f, 0, SEEK_SET)
            && (data = malloc((size_t)n + 1)))
        {
            size = fread(data, 1, (size_t)n, f);
            data[size] = 0;
        }
        fclose(f);
    }
    unlink(cap->path);
    if (len) *len = size;
    return data;
}
