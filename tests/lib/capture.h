/*
 * capture.h: capture the bytes a test writes to stdout or stderr (through
 * stdio or straight to the file descriptor), to check output byte for byte.
 *
 *     struct umbra_capture cap;
 *     umbra_capture_begin(&cap, stdout);
 *     wprintf(L"%s\n", L"x");
 *     out = umbra_capture_end(&cap, &len);   (malloc'd, NUL-terminated)
 */
#ifndef UMBRA_TESTS_CAPTURE_H
#define UMBRA_TESTS_CAPTURE_H

#include <limits.h>
#include <stddef.h>
#include <stdio.h>

struct umbra_capture
{
    FILE *stream;
    int saved_fd;
    char path[PATH_MAX];
};

/* 0, or -1 when the stream could not be redirected. */
int umbra_capture_begin(struct umbra_capture *cap, FILE *stream);
/* Restores the stream and returns what was written (NULL on failure). */
char *umbra_capture_end(struct umbra_capture *cap, size_t *len);

#endif
