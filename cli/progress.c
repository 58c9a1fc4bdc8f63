/*
 * progress.c - a progress bar with throughput on stderr, drawn only when
 * stderr is a terminal: scripts and logs never see it.
 *
 *   put model.bin  [##########..........]  52%  33.3/64.0 MiB  812.4 MiB/s  ETA 0:00
 *
 * Updates are drawn at most every 100 ms; the final state is always drawn
 * (so even a fast operation leaves one line on the terminal).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define BAR_WIDTH 20

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int progress_wanted(const cli_ctx *ctx)
{
    return ctx->progress != 0 && isatty(STDERR_FILENO);
}

static void draw(const cli_progress *p, int final, int ok)
{
    char done[32], total[32], rate[32], line[256];
    double elapsed = now_s() - p->start;
    double bps = elapsed > 0 ? (double)p->done / elapsed : 0;
    cli_format_size(done, sizeof done, p->done);
    cli_format_size(rate, sizeof rate, (uint64_t)bps);
    int n;
    if (p->total != UINT64_MAX && p->total > 0) {
        uint64_t shown = p->done > p->total ? p->total : p->done;
        unsigned pct = (unsigned)(shown * 100 / p->total);
        unsigned fill = (unsigned)(shown * BAR_WIDTH / p->total);
        char bar[BAR_WIDTH + 1];
        for (unsigned i = 0; i < BAR_WIDTH; i++) {
            bar[i] = i < fill ? '#' : '.';
        }
        bar[BAR_WIDTH] = '\0';
        cli_format_size(total, sizeof total, p->total);
        double eta = bps > 0 ? (double)(p->total - shown) / bps : 0;
        unsigned eta_s = (unsigned)(eta + 0.5);
        n = snprintf(line, sizeof line, "\r%s  [%s] %3u%%  %s / %s  %s/s", p->label, bar, pct, done,
                     total, rate);
        if (!final && n > 0 && (size_t)n < sizeof line) {
            snprintf(line + n, sizeof line - (size_t)n, "  ETA %u:%02u", eta_s / 60, eta_s % 60);
        }
    } else {
        n = snprintf(line, sizeof line, "\r%s  %s  %s/s  %.1f s", p->label, done, rate, elapsed);
    }
    fputs(line, stderr);
    if (final) {
        fputs(ok ? "  done\033[K\n" : "  FAILED\033[K\n", stderr);
    } else {
        fputs("\033[K", stderr);
    }
    fflush(stderr);
}

void cli_progress_start(cli_progress *p, const cli_ctx *ctx, const char *label, uint64_t total)
{
    memset(p, 0, sizeof *p);
    p->enabled = progress_wanted(ctx);
    p->label = label;
    p->total = total;
    p->start = p->last_draw = now_s();
}

void cli_progress_add(cli_progress *p, uint64_t n)
{
    if (!p->enabled) {
        return;
    }
    p->done += n;
    double t = now_s();
    if (t - p->last_draw >= 0.1) {
        p->last_draw = t;
        draw(p, 0, 1);
    }
}

void cli_progress_finish(cli_progress *p, int ok)
{
    if (p->enabled) {
        draw(p, 1, ok);
        p->enabled = 0;
    }
}

/* ---- the ticker: progress of an operation that has no callback --------------------------- */

struct cli_ticker {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stop;
    cli_progress p;
    uint64_t rchar0;
};

/* Bytes this process has read so far (rchar of /proc/self/io: every read
 * and pread, whatever file). */
static uint64_t rchar_now(void)
{
    char buf[512];
    uint64_t v = 0;
    FILE *f = fopen("/proc/self/io", "re");
    if (f == NULL) {
        return 0;
    }
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *r = strstr(buf, "rchar: ");
    if (r != NULL) {
        v = strtoull(r + 7, NULL, 10);
    }
    return v;
}

static void *ticker_main(void *arg)
{
    cli_ticker *t = arg;
    pthread_mutex_lock(&t->mu);
    while (!t->stop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 200 * 1000 * 1000;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        (void)pthread_cond_timedwait(&t->cv, &t->mu, &ts);
        if (!t->stop) {
            uint64_t r = rchar_now();
            t->p.done = r > t->rchar0 ? r - t->rchar0 : 0;
            draw(&t->p, 0, 1);
        }
    }
    pthread_mutex_unlock(&t->mu);
    return NULL;
}

cli_ticker *cli_ticker_start(const cli_ctx *ctx, const char *label)
{
    if (!progress_wanted(ctx)) {
        return NULL;
    }
    cli_ticker *t = calloc(1, sizeof *t);
    if (t == NULL) {
        return NULL;
    }
    cli_progress_start(&t->p, ctx, label, UINT64_MAX);
    t->rchar0 = rchar_now();
    pthread_mutex_init(&t->mu, NULL);
    pthread_cond_init(&t->cv, NULL);
    if (pthread_create(&t->thread, NULL, ticker_main, t) != 0) {
        pthread_mutex_destroy(&t->mu);
        pthread_cond_destroy(&t->cv);
        free(t);
        return NULL;
    }
    return t;
}

void cli_ticker_stop(cli_ticker *t, int ok)
{
    if (t == NULL) {
        return;
    }
    pthread_mutex_lock(&t->mu);
    t->stop = 1;
    pthread_cond_signal(&t->cv);
    pthread_mutex_unlock(&t->mu);
    pthread_join(t->thread, NULL);
    uint64_t r = rchar_now();
    t->p.done = r > t->rchar0 ? r - t->rchar0 : 0;
    draw(&t->p, 1, ok);
    pthread_mutex_destroy(&t->mu);
    pthread_cond_destroy(&t->cv);
    free(t);
}
