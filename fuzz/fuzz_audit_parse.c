/*
 * fuzz_audit_parse.c - the audit log reader (src/vault/audit_log.c) on
 * arbitrary bytes, and the tamper property on real logs.
 *
 * Byte 0 chooses the mode:
 *  - odd: the rest of the input is the log object. It is opened; if it
 *    opens, extends, search (with and without filters), count_gets, export,
 *    verify (with and without the expected length and head) and an append run on
 *    it with a fixed key, then again after the key is removed. Nothing may
 *    crash or trip a sanitizer, whatever the bytes.
 *  - even: bytes 1-4 give a position, byte 5 an XOR mask, the rest is cut
 *    into the strings of a few records. A log of those records is written
 *    (sealed and plain), the byte at the position is changed, and then
 *    either opening fails with PQCE_ERR_FORMAT or verify against the true
 *    length and head fails with PQCE_ERR_DECRYPT: an accepted modification
 *    aborts.
 */
#include <fcntl.h>
#include <pqce.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "vault/audit_log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OBJ "audit.log"

static const uint8_t fixed_key[PQCE_AUDIT_KEY_BYTES] = {0x42, 0x17, 0x99};

static int devnull(void)
{
    static int fd = -1;
    if (fd < 0) {
        fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    }
    return fd;
}

static void exercise(pqce_audit_log *log)
{
    pqce_audit_list *l = NULL;
    pqce_audit_report rep;
    uint64_t count = 0, n = 0;
    uint8_t head[32];

    pqce_audit_head(log, &count, head);
    (void)pqce_audit_extends(log, count, head);
    (void)pqce_audit_extends(log, count / 2 + 1, head);
    (void)pqce_audit_extends(log, count + 1, head);
    if (pqce_audit_search(log, &l, NULL) == PQCE_OK) {
        for (size_t i = 0; i < pqce_audit_list_count(l); i++) {
            const pqce_audit_entry *e = pqce_audit_list_at(l, i);
            /* Every string must be readable to its end. */
            n += strlen(e->operation) + strlen(e->device_id) + strlen(e->artifact_id) +
                 strlen(e->artifact_name) + strlen(e->artifact_kind) + strlen(e->caller) +
                 strlen(e->details);
        }
    }
    pqce_audit_list_free(l);
    l = NULL;
    pqce_audit_query q = {PQCE_AUDIT_QUERY_VERSION, "get", "d", "id", 3};
    (void)pqce_audit_search(log, &l, &q);
    pqce_audit_list_free(l);
    (void)pqce_audit_count_gets(log, "model-weights", "com.example", 0, &n);
    if (devnull() >= 0) {
        (void)pqce_audit_export(log, devnull(), NULL);
        (void)pqce_audit_export(log, devnull(), &q);
    }
    (void)pqce_audit_verify(log, &rep, 0, NULL);
    (void)pqce_audit_verify(log, &rep, count, head);
    (void)pqce_audit_verify(log, &rep, count + 1, head);
    pqce_audit_record r;
    memset(&r, 0, sizeof r);
    r.op = PQCE_AUDIT_GET;
    r.device_id = "d";
    r.artifact_id = "id";
    r.artifact_name = "name";
    r.artifact_kind = "model-weights";
    r.caller = "com.example";
    r.success = 1;
    if (pqce_audit_append(log, &r, 0) == PQCE_OK) {
        (void)pqce_audit_verify(log, &rep, 0, NULL);
        (void)pqce_audit_count_gets(log, "model-weights", "com.example", 0, &n);
    }
}

static void parse_mode(const uint8_t *data, size_t size)
{
    pqce_store *store = NULL;
    pqce_audit_log *log = NULL;
    if (pqce_store_memory_new(&store) != PQCE_OK) {
        return;
    }
    if (pqce_store_put(store, OBJ, data, size) == PQCE_OK &&
        pqce_audit_open(&log, store, OBJ) == PQCE_OK) {
        pqce_audit_set_key(log, fixed_key);
        exercise(log);
        pqce_audit_set_key(log, NULL);
        exercise(log);
        pqce_audit_close(log);
    }
    pqce_store_free(store);
}

/* Takes the next NUL-free string of at most max bytes from the input. */
static const char *next_str(const uint8_t **p, const uint8_t *end, char *buf, size_t max)
{
    size_t n = 0;
    while (*p < end && n < max && **p != 0) {
        buf[n++] = (char)*(*p)++;
    }
    if (*p < end) {
        (*p)++; /* the separator */
    }
    buf[n] = '\0';
    return buf;
}

static void tamper_mode(const uint8_t *data, size_t size)
{
    if (size < 6) {
        return;
    }
    uint32_t pos =
        (uint32_t)data[1] << 24 | (uint32_t)data[2] << 16 | (uint32_t)data[3] << 8 | data[4];
    uint8_t mask = data[5];
    const uint8_t *p = data + 6, *end = data + size;
    pqce_store *store = NULL;
    pqce_audit_log *log = NULL;
    uint8_t *raw = NULL, head[32];
    size_t len = 0;
    uint64_t count = 0;
    char s[4][64];

    if (mask == 0 || pqce_store_memory_new(&store) != PQCE_OK) {
        return;
    }
    if (pqce_audit_open(&log, store, OBJ) != PQCE_OK) {
        goto out;
    }
    for (int i = 0; i < 5; i++) {
        pqce_audit_record r;
        memset(&r, 0, sizeof r);
        r.op = (pqce_audit_op)(i % PQCE_AUDIT_OP_COUNT);
        r.device_id = next_str(&p, end, s[0], 63);
        r.artifact_name = next_str(&p, end, s[1], 63);
        r.caller = next_str(&p, end, s[2], 63);
        r.details = next_str(&p, end, s[3], 63);
        r.success = i & 1;
        r.time_ms = (uint64_t)i + 1;
        /* sealed, sealed, plain, sealed, plain */
        pqce_audit_set_key(log, i == 2 || i == 4 ? NULL : fixed_key);
        if (pqce_audit_append(log, &r, 0) != PQCE_OK) {
            abort();
        }
    }
    pqce_audit_head(log, &count, head);
    pqce_audit_close(log);
    log = NULL;
    if (pqce_store_get(store, OBJ, 1u << 20, &raw, &len) != PQCE_OK || len == 0) {
        abort();
    }
    raw[pos % len] ^= mask;
    if (pqce_store_put(store, OBJ, raw, len) != PQCE_OK) {
        abort();
    }
    int rc = pqce_audit_open(&log, store, OBJ);
    if (rc == PQCE_OK) {
        pqce_audit_report rep;
        pqce_audit_set_key(log, fixed_key);
        rc = pqce_audit_verify(log, &rep, count, head);
        if (rc != PQCE_ERR_DECRYPT || rep.first_bad_seq >= count) {
            abort(); /* a modification was accepted */
        }
    } else if (rc != PQCE_ERR_FORMAT) {
        abort();
    }
out:
    free(raw);
    pqce_audit_close(log);
    pqce_store_free(store);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) {
        return 0;
    }
    if (data[0] & 1) {
        parse_mode(data + 1, size - 1);
    } else {
        tamper_mode(data, size);
    }
    return 0;
}
