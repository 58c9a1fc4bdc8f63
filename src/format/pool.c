/*
 * pool.c - the worker pool (POSIX threads).
 *
 * Workers sleep on a condition variable until pqce_pool_run publishes a
 * job; tasks are claimed from an atomic counter in index order, so task 0
 * (the content hash, when there is one) always starts first. The caller's
 * thread works too and returns once every task has finished.
 */
#include "format/pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "pqce.h"

struct pqce_pool {
    pthread_mutex_t mu;
    pthread_cond_t wake, done;
    pthread_t *workers;
    unsigned nworkers;
    int quit;
    /* the current job */
    unsigned long generation;
    int (*fn)(void *, size_t, unsigned);
    void *arg;
    size_t n;
    atomic_size_t next;
    atomic_int result;
    unsigned busy; /* workers still inside the current job */
};

struct worker_start {
    pqce_pool *pool;
    unsigned index;
};

static void run_tasks(pqce_pool *p, unsigned worker)
{
    for (;;) {
        size_t i = atomic_fetch_add(&p->next, 1);
        if (i >= p->n) {
            return;
        }
        int rc = p->fn(p->arg, i, worker);
        if (rc != 0) {
            int expected = 0;
            atomic_compare_exchange_strong(&p->result, &expected, rc);
        }
    }
}

static void *worker_main(void *argp)
{
    struct worker_start *ws = argp;
    pqce_pool *p = ws->pool;
    unsigned index = ws->index;
    free(ws);
    unsigned long seen = 0;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->quit && p->generation == seen) {
            pthread_cond_wait(&p->wake, &p->mu);
        }
        if (p->quit) {
            break;
        }
        seen = p->generation;
        pthread_mutex_unlock(&p->mu);
        run_tasks(p, index);
        pthread_mutex_lock(&p->mu);
        if (--p->busy == 0) {
            pthread_cond_signal(&p->done);
        }
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

int pqce_pool_new(pqce_pool **pool, unsigned threads)
{
    if (pool == NULL || threads > 1024) {
        return PQCE_ERR_INVALID_ARG;
    }
    *pool = NULL;
    if (threads == 0) {
        long online = sysconf(_SC_NPROCESSORS_ONLN);
        threads = online > 0 ? (unsigned)(online < 1024 ? online : 1024) : 1;
    }
    pqce_pool *p = calloc(1, sizeof *p);
    if (p == NULL) {
        return PQCE_ERR_NOMEM;
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->done, NULL);
    p->workers = calloc(threads, sizeof *p->workers);
    if (p->workers == NULL) {
        pqce_pool_free(p);
        return PQCE_ERR_NOMEM;
    }
    /* threads - 1 workers: the caller's thread is the last one */
    for (unsigned i = 0; i + 1 < threads; i++) {
        struct worker_start *ws = malloc(sizeof *ws);
        if (ws == NULL) {
            pqce_pool_free(p);
            return PQCE_ERR_NOMEM;
        }
        ws->pool = p;
        ws->index = i + 1;
        if (pthread_create(&p->workers[i], NULL, worker_main, ws) != 0) {
            free(ws);
            pqce_pool_free(p);
            return PQCE_ERR_NOMEM;
        }
        p->nworkers++;
    }
    *pool = p;
    return PQCE_OK;
}

void pqce_pool_free(pqce_pool *p)
{
    if (p == NULL) {
        return;
    }
    pthread_mutex_lock(&p->mu);
    p->quit = 1;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mu);
    for (unsigned i = 0; i < p->nworkers; i++) {
        pthread_join(p->workers[i], NULL);
    }
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->done);
    pthread_mutex_destroy(&p->mu);
    free(p->workers);
    free(p);
}

unsigned pqce_pool_threads(const pqce_pool *p)
{
    return p->nworkers + 1;
}

int pqce_pool_run(pqce_pool *p, size_t n, int (*fn)(void *arg, size_t i, unsigned worker),
                  void *arg)
{
    if (n == 0) {
        return 0;
    }
    if (p->nworkers == 0 || n == 1) {
        int result = 0;
        for (size_t i = 0; i < n; i++) {
            int rc = fn(arg, i, 0);
            if (rc != 0 && result == 0) {
                result = rc;
            }
        }
        return result;
    }
    pthread_mutex_lock(&p->mu);
    p->fn = fn;
    p->arg = arg;
    p->n = n;
    atomic_store(&p->next, 0);
    atomic_store(&p->result, 0);
    p->busy = p->nworkers;
    p->generation++;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mu);

    run_tasks(p, 0);

    pthread_mutex_lock(&p->mu);
    while (p->busy > 0) {
        pthread_cond_wait(&p->done, &p->mu);
    }
    pthread_mutex_unlock(&p->mu);
    return atomic_load(&p->result);
}
