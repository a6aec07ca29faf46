/*
 * testhook.h: pauses at named points of long operations, for the tests that
 * must act while an operation is inside a window: kill a requester inside
 * the flush-and-hold window, start a second revert while one runs.
 *
 * Off unless a test turned it on.  testhook_enable() is for test programs
 * only (no library or program of Umbra calls it, so the environment below is
 * never read in production); after it, and in the children the process forks,
 * testhook_pause(point) reads
 *
 *     UMBRA_TEST_PAUSE=<point>:<milliseconds>[:<fd>]
 *
 * At that point it writes one byte to fd, so the test knows the window is
 * open, and waits until the test writes a byte back or closes its end (fd is
 * one end of a socketpair), or the milliseconds have passed; without fd it
 * just sleeps that long.  Points:
 *   hold    DoSnapshotSet, inside the hold window: the providers have
 *           committed, file systems of FIFREEZE providers are frozen
 *           (backup_snapshot.c); the watchdog still thaws at 10 s
 *   revert  RevertToSnapshot, holding the volume's revert lock, before the
 *           provider reverts (backup_restore.c)
 *
 * Safe inside the hold window: no allocation, no logging, no file access.
 */
#ifndef UMBRA_VSSAPI_TESTHOOK_H
#define UMBRA_VSSAPI_TESTHOOK_H

void testhook_enable(void);
void testhook_pause(const char *point);

#endif
