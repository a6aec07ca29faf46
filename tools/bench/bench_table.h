/*
 * bench_table.h: how a benchmark program reports to tools/bench/run, which
 * gathers the rows of every program into the one table `make bench` prints.
 *
 * A row is one line on stdout:
 *
 *     row|<what>|<ours>|<floor>|<floor is>|<ratio>|<target>|<PASS, FAIL or info>|<unit>
 *
 * <ours> and <floor> are medians measured in the same run; the floor is the
 * same work done by what we stand on (the raw ioctl, libxml2 alone, one
 * writer instead of 64 ...).  A measurement that could not be made here is
 *
 *     skip|<what>|<why>
 *
 * Every other line a program prints is detail: run keeps it in the log.
 * Header-only (static functions) so each program stays one file.
 */
#ifndef UMBRA_TOOLS_BENCH_TABLE_H
#define UMBRA_TOOLS_BENCH_TABLE_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int bench_failures;

/* target 0: a figure to report, with no limit. */
static inline void bench_row(const char *what, double ours, double floor, const char *floor_is, double target,
                             const char *unit)
{
    double ratio = floor > 0 ? ours / floor : 0;
    const char *result = !target ? "info" : (floor > 0 && ratio <= target) ? "PASS" : "FAIL";
    char limit[32];

    if (target) snprintf(limit, sizeof(limit), "<= %.1f", target);
    else snprintf(limit, sizeof(limit), "-");
    if (target && result[0] == 'F') bench_failures++;
    printf("row|%s|%.3f|%.3f|%s|%.2f|%s|%s|%s\n", what, ours, floor, floor_is, ratio, limit, result, unit);
    fflush(stdout);
}

static inline void bench_skip(const char *what, const char *why)
{
    printf("skip|%s|%s\n", what, why);
    fflush(stdout);
}

static inline double bench_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static inline int bench_compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The median of n values (sorts them). */
static inline double bench_median(double *v, int n)
{
    qsort(v, n, sizeof(*v), bench_compare);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#endif
