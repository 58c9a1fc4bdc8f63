/*
 * store_memory.c - a store in process memory (tests and demos).
 *
 * Objects are malloc'd byte strings in a list; a pending write is built
 * aside and swapped in at commit, so readers see the old or the new object.
 * One mutex guards the list; the writer lock is a second mutex taken with a
 * timeout, so that two vault handles in one process serialise their saves
 * as two processes do on a directory.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store.h"

typedef struct mem_object {
    char *name;
    uint8_t *data;
    size_t len, cap;
    struct mem_object *next;
} mem_object;

typedef struct mem_store {
    pthread_mutex_t mu;     /* guards the list */
    pthread_mutex_t writer; /* the store's writer lock */
    mem_object *objects;
} mem_store;

typedef struct pending_write {
    char *name;
    uint8_t *data;
    size_t len, cap;
    int failed;
} pending_write;

static mem_object *find(mem_store *m, const char *name)
{
    for (mem_object *o = m->objects; o != NULL; o = o->next) {
        if (strcmp(o->name, name) == 0) {
            return o;
        }
    }
    return NULL;
}

static int grow(uint8_t **data, size_t *cap, size_t need)
{
    if (need <= *cap) {
        return PQCE_OK;
    }
    size_t ncap = *cap > 0 ? *cap : 256;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2) {
            return PQCE_ERR_NOMEM;
        }
        ncap *= 2;
    }
    uint8_t *n = realloc(*data, ncap);
    if (n == NULL) {
        return PQCE_ERR_NOMEM;
    }
    *data = n;
    *cap = ncap;
    return PQCE_OK;
}

static int mem_write_begin(void *ctx, void **handle, const char *name)
{
    (void)ctx;
    pending_write *w = calloc(1, sizeof *w);
    if (w == NULL || (w->name = strdup(name)) == NULL) {
        free(w);
        return PQCE_ERR_NOMEM;
    }
    *handle = w;
    return PQCE_OK;
}

static int mem_write(void *ctx, void *handle, const uint8_t *buf, size_t len)
{
    (void)ctx;
    pending_write *w = handle;
    if (len > SIZE_MAX - w->len || grow(&w->data, &w->cap, w->len + len) != PQCE_OK) {
        w->failed = 1;
        return PQCE_ERR_NOMEM;
    }
    memcpy(w->data + w->len, buf, len);
    w->len += len;
    return PQCE_OK;
}

static void mem_write_abort(void *ctx, void *handle)
{
    (void)ctx;
    pending_write *w = handle;
    free(w->name);
    free(w->data);
    free(w);
}

static int mem_write_commit(void *ctx, void *handle)
{
    mem_store *m = ctx;
    pending_write *w = handle;
    if (w->failed) {
        mem_write_abort(ctx, handle);
        return PQCE_ERR_IO;
    }
    pthread_mutex_lock(&m->mu);
    mem_object *o = find(m, w->name);
    if (o == NULL) {
        o = calloc(1, sizeof *o);
        if (o == NULL) {
            pthread_mutex_unlock(&m->mu);
            mem_write_abort(ctx, handle);
            return PQCE_ERR_NOMEM;
        }
        o->name = w->name;
        o->next = m->objects;
        m->objects = o;
    } else {
        free(w->name);
        free(o->data);
    }
    o->data = w->data;
    o->len = w->len;
    o->cap = w->cap;
    pthread_mutex_unlock(&m->mu);
    free(w);
    return PQCE_OK;
}

static int mem_size(void *ctx, const char *name, uint64_t *size)
{
    mem_store *m = ctx;
    pthread_mutex_lock(&m->mu);
    mem_object *o = find(m, name);
    if (o != NULL) {
        *size = o->len;
    }
    pthread_mutex_unlock(&m->mu);
    return o != NULL ? PQCE_OK : PQCE_ERR_NOT_FOUND;
}

static int mem_read(void *ctx, const char *name, uint8_t *buf, size_t len, uint64_t offset)
{
    mem_store *m = ctx;
    int ret = PQCE_OK;
    pthread_mutex_lock(&m->mu);
    mem_object *o = find(m, name);
    if (o == NULL) {
        ret = PQCE_ERR_NOT_FOUND;
    } else if (offset > o->len || len > o->len - offset) {
        ret = PQCE_ERR_IO;
    } else {
        memcpy(buf, o->data + offset, len);
    }
    pthread_mutex_unlock(&m->mu);
    return ret;
}

static int mem_remove(void *ctx, const char *name)
{
    mem_store *m = ctx;
    pthread_mutex_lock(&m->mu);
    for (mem_object **p = &m->objects; *p != NULL; p = &(*p)->next) {
        if (strcmp((*p)->name, name) == 0) {
            mem_object *o = *p;
            *p = o->next;
            free(o->name);
            free(o->data);
            free(o);
            break;
        }
    }
    pthread_mutex_unlock(&m->mu);
    return PQCE_OK;
}

static int mem_list(void *ctx, const char *prefix, int (*fn)(void *arg, const char *name),
                    void *arg)
{
    mem_store *m = ctx;
    size_t plen = strlen(prefix), n = 0, i = 0;
    int ret = PQCE_OK;
    /* Copy the names first: fn may call back into the store. */
    pthread_mutex_lock(&m->mu);
    for (mem_object *o = m->objects; o != NULL; o = o->next) {
        n += strncmp(o->name, prefix, plen) == 0;
    }
    char **names = calloc(n + 1, sizeof *names);
    for (mem_object *o = m->objects; names != NULL && o != NULL; o = o->next) {
        if (strncmp(o->name, prefix, plen) == 0) {
            names[i++] = strdup(o->name);
        }
    }
    pthread_mutex_unlock(&m->mu);
    if (names == NULL) {
        return PQCE_ERR_NOMEM;
    }
    for (i = 0; i < n; i++) {
        if (names[i] == NULL) {
            ret = PQCE_ERR_NOMEM;
        } else if (ret == PQCE_OK) {
            ret = fn(arg, names[i]);
        }
        free(names[i]);
    }
    free(names);
    return ret;
}

static int mem_append(void *ctx, const char *name, const uint8_t *buf, size_t len)
{
    mem_store *m = ctx;
    int ret = PQCE_OK;
    pthread_mutex_lock(&m->mu);
    mem_object *o = find(m, name);
    if (o == NULL) {
        o = calloc(1, sizeof *o);
        if (o == NULL || (o->name = strdup(name)) == NULL) {
            free(o);
            pthread_mutex_unlock(&m->mu);
            return PQCE_ERR_NOMEM;
        }
        o->next = m->objects;
        m->objects = o;
    }
    if (len > SIZE_MAX - o->len) {
        ret = PQCE_ERR_NOMEM;
    } else if (len > 0 && (ret = grow(&o->data, &o->cap, o->len + len)) == PQCE_OK) {
        /* len > 0: an empty append may pass buf NULL (memcpy must not see it) */
        memcpy(o->data + o->len, buf, len);
        o->len += len;
    }
    pthread_mutex_unlock(&m->mu);
    return ret;
}

static int mem_lock(void *ctx, uint32_t timeout_ms)
{
    mem_store *m = ctx;
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += (time_t)(timeout_ms / 1000);
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    int rc = pthread_mutex_timedlock(&m->writer, &deadline);
    return rc == 0 ? PQCE_OK : rc == ETIMEDOUT ? PQCE_ERR_BUSY : PQCE_ERR_IO;
}

static void mem_unlock(void *ctx)
{
    mem_store *m = ctx;
    pthread_mutex_unlock(&m->writer);
}

static void mem_destroy(void *ctx)
{
    mem_store *m = ctx;
    mem_object *o = m->objects;
    while (o != NULL) {
        mem_object *next = o->next;
        free(o->name);
        free(o->data);
        free(o);
        o = next;
    }
    pthread_mutex_destroy(&m->mu);
    pthread_mutex_destroy(&m->writer);
    free(m);
}

static const pqce_store_ops memory_store_ops = {
    .version = PQCE_STORE_OPS_VERSION,
    .write_begin = mem_write_begin,
    .write = mem_write,
    .write_commit = mem_write_commit,
    .write_abort = mem_write_abort,
    .size = mem_size,
    .read = mem_read,
    .remove = mem_remove,
    .list = mem_list,
    .append = mem_append,
    .lock = mem_lock,
    .unlock = mem_unlock,
    .open_fd = NULL,
    .last_error = NULL,
    .destroy = mem_destroy,
};

int pqce_store_memory_new(pqce_store **store)
{
    if (store == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    *store = NULL;
    mem_store *m = calloc(1, sizeof *m);
    if (m == NULL) {
        return PQCE_ERR_NOMEM;
    }
    pthread_mutex_init(&m->mu, NULL);
    pthread_mutex_init(&m->writer, NULL);
    int ret = pqce_store_new(store, &memory_store_ops, m);
    if (ret != PQCE_OK) {
        mem_destroy(m);
    }
    return ret;
}
