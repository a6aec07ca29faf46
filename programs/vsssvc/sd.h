/*
 * sd.h: the two pieces of systemd's service protocol vsssvc speaks, written
 * from the documented interfaces (sd_listen_fds(3), sd_notify(3)) so that no
 * library is needed: a socket handed over by vsssvc.socket, and telling the
 * manager that the service is ready or stopping.
 */
#ifndef UMBRA_VSSSVC_SD_H
#define UMBRA_VSSSVC_SD_H

#define SD_LISTEN_FDS_START 3

/* The listening socket systemd passed ($LISTEN_PID is us, $LISTEN_FDS is 1),
 * made close-on-exec; the variables are removed.  -ENOENT when not
 * socket-activated, -EINVAL when what was passed is not one listening
 * stream socket. */
int sd_listening_socket(void);

/* Send state ("READY=1", "STOPPING=1") to $NOTIFY_SOCKET, if set. */
void sd_notify_state(const char *state);

#endif
