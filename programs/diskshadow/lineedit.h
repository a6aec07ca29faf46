/*
 * lineedit.h: a small line editor for the DISKSHADOW> prompt when standard
 * input is a terminal: cursor movement, deletion, history.  (readline is GPL
 * and libedit is not in the build dependencies; this is all diskshadow needs.)
 */
#ifndef DISKSHADOW_LINEEDIT_H
#define DISKSHADOW_LINEEDIT_H

#include <stddef.h>

#define DS_HISTORY_MAX 500

struct ds_history
{
    char *lines[DS_HISTORY_MAX];
    size_t count;
};

/* Edit one line on the terminal in_fd/out_fd.  Returns the line (UTF-8,
 * malloc'ed, without newline), "" after Ctrl-C, or NULL at end of input
 * (Ctrl-D on an empty line, or a read error). */
char *ds_edit_line(int in_fd, int out_fd, const char *prompt, struct ds_history *history);

/* The editing itself, on a byte stream with no terminal (for tests): keys
 * come from in_fd, the redraws go to out_fd. */
char *ds_edit_line_raw(int in_fd, int out_fd, const char *prompt, struct ds_history *history);

void ds_history_add(struct ds_history *history, const char *line);
void ds_history_free(struct ds_history *history);

#endif
