/*
 * pool.h - a small worker pool for the payload: run n independent tasks
 * on up to `threads` threads (the caller's thread included) and wait.
 */
#ifndef PQCE_FORMAT_POOL_H
#define PQCE_FORMAT_POOL_H

#include <stddef.h>

typedef struct pqce_pool pqce_pool;

/* threads = 0: the number of online CPUs. Errors: PQCE_ERR_NOMEM,
 * PQCE_ERR_INVALID_ARG (more than 1024 threads). */
int pqce_pool_new(pqce_pool **pool, unsigned threads);
/* Joins the workers; accepts NULL. */
void pqce_pool_free(pqce_pool *pool);
/* Threads that run tasks (workers + the caller). */
unsigned pqce_pool_threads(const pqce_pool *pool);

/*
 * Runs fn(arg, i, worker) for every i in [0, n), each exactly once, with
 * worker in [0, pqce_pool_threads) identifying the thread (for per-thread
 * state). Task 0 starts first. Returns 0 or the first non-zero result of a
 * task (the other tasks still run).
 */
int pqce_pool_run(pqce_pool *pool, size_t n, int (*fn)(void *arg, size_t i, unsigned worker),
                  void *arg);

#endif /* PQCE_FORMAT_POOL_H */
