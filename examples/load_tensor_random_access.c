/*
 * load_tensor_random_access.c - loading model weights from the vault the
 * way an inference runtime does: read the file's tensor table, then one
 * tensor at its offset, decrypting only the chunks that hold it (each
 * verified before a byte of it is released), never the whole file.
 *
 * The "model" is a small made-up format (a safetensors-like layout): a
 * table of tensors (name, offset, rows, columns; float32) followed by the
 * data. It is sealed in 64 KiB chunks so that the random access shows.
 */
#include <math.h>
#include <pqce.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK        (64u * 1024u)
#define NAME_BYTES   32u
#define ENTRY_BYTES  (NAME_BYTES + 8u + 4u + 4u)
#define HEADER_FIXED 8u /* "TNSR" and a u32 tensor count, little-endian */

typedef struct tensor {
    char name[NAME_BYTES];
    uint64_t offset;
    uint32_t rows, cols;
} tensor;

static void check(int rc, const pqce_vault *v, const char *what)
{
    if (rc != PQCE_OK) {
        fprintf(stderr, "load_tensor_random_access: %s: %s (%s)\n", what,
                v != NULL ? pqce_vault_error_detail(v) : pqce_strerror(rc), pqce_error_name(rc));
        exit(1);
    }
}

/* The value of element (r, c) of tensor t: deterministic, so the loader
 * can check what it read. */
static float weight(unsigned t, uint32_t r, uint32_t c)
{
    return (float)sin(0.001 * (double)(r * 131u + c * 7u + t * 1009u));
}

static void put_u32(uint8_t *p, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static void put_u64(uint8_t *p, uint64_t v)
{
    for (unsigned i = 0; i < 8; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_u64(const uint8_t *p)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    return v;
}

/* Builds the model file in memory: 1 embedding table and 8 layer matrices. */
static uint8_t *build_model(size_t *len, tensor *ts, unsigned *count)
{
    unsigned n = 0;
    snprintf(ts[n].name, NAME_BYTES, "embed.tokens");
    ts[n].rows = 2048;
    ts[n++].cols = 256;
    for (unsigned l = 0; l < 4; l++) {
        snprintf(ts[n].name, NAME_BYTES, "layers.%u.attn.wq", l);
        ts[n].rows = ts[n].cols = 256;
        n++;
        snprintf(ts[n].name, NAME_BYTES, "layers.%u.mlp.up", l);
        ts[n].rows = 256;
        ts[n++].cols = 1024;
    }
    uint64_t off = HEADER_FIXED + (uint64_t)n * ENTRY_BYTES;
    for (unsigned i = 0; i < n; i++) {
        ts[i].offset = off;
        off += (uint64_t)ts[i].rows * ts[i].cols * 4;
    }
    uint8_t *buf = calloc(1, (size_t)off);
    if (buf == NULL) {
        return NULL;
    }
    memcpy(buf, "TNSR", 4);
    put_u32(buf + 4, n);
    for (unsigned i = 0; i < n; i++) {
        uint8_t *e = buf + HEADER_FIXED + i * ENTRY_BYTES;
        memcpy(e, ts[i].name, NAME_BYTES);
        put_u64(e + NAME_BYTES, ts[i].offset);
        put_u32(e + NAME_BYTES + 8, ts[i].rows);
        put_u32(e + NAME_BYTES + 12, ts[i].cols);
        for (uint32_t r = 0; r < ts[i].rows; r++) {
            for (uint32_t c = 0; c < ts[i].cols; c++) {
                float w = weight(i, r, c);
                memcpy(buf + ts[i].offset + ((uint64_t)r * ts[i].cols + c) * 4, &w, 4);
            }
        }
    }
    *len = (size_t)off;
    *count = n;
    return buf;
}

int main(void)
{
    pqce_backend *backend = NULL;
    pqce_store *store = NULL;
    pqce_vault *vault = NULL;
    pqce_vault_options vo;
    tensor built[16];
    unsigned count = 0;
    size_t model_len = 0;
    const char *want = "layers.2.attn.wq";

    /* The vendor's side, once: the model goes into the vault. */
    uint8_t *model = build_model(&model_len, built, &count);
    if (model == NULL) {
        return 1;
    }
    memset(&vo, 0, sizeof vo);
    vo.version = PQCE_VAULT_OPTIONS_VERSION;
    vo.chunk_size = CHUNK;
    check(pqce_backend_memory_new(&backend, "jetson-orin-demo", "jetson-orin"), NULL, "backend");
    check(pqce_store_memory_new(&store), NULL, "store");
    check(pqce_vault_create(&vault, backend, store, &vo), NULL, "create the vault");
    pqce_vault_free(vault);
    check(pqce_vault_open(&vault, backend, store, &vo), NULL, "open");
    check(pqce_vault_unlock(vault, 0), vault, "unlock");
    pqce_metadata meta;
    memset(&meta, 0, sizeof meta);
    meta.name = "tiny-llm-f32";
    meta.kind = PQCE_KIND_MODEL_WEIGHTS;
    meta.app_bundle_id = "com.example.localllm";
    check(pqce_vault_put(vault, NULL, &meta, model, model_len, 0), vault, "put");
    check(pqce_vault_save(vault), vault, "save");

    /* The runtime's side: open the artifact as a reader. */
    pqce_reader *r = NULL;
    pqce_artifact_info info;
    check(pqce_vault_open_artifact(vault, &r, "tiny-llm-f32", "com.example.localllm"), vault,
          "open the artifact");
    check(pqce_reader_info(r, &info), NULL, "reader info");
    uint64_t chunks = info.size / info.chunk_size + 1;
    printf("[model]  tiny-llm-f32: %u tensors, %llu bytes, sealed in %llu chunks of %u KiB\n",
           count, (unsigned long long)info.size, (unsigned long long)chunks,
           (unsigned)(info.chunk_size / 1024));
    printf("[open]   reader ready: header MAC and final chunk verified, nothing else decrypted\n");

    /* 1. The tensor table, from the start of the file. */
    uint8_t head[HEADER_FIXED];
    check(pqce_reader_pread(r, head, sizeof head, 0), NULL, "read the header");
    uint32_t n = get_u32(head + 4);
    if (memcmp(head, "TNSR", 4) != 0 || n == 0 || n > 16) {
        fprintf(stderr, "not a tensor file\n");
        return 1;
    }
    uint8_t table[16 * ENTRY_BYTES];
    check(pqce_reader_pread(r, table, n * ENTRY_BYTES, HEADER_FIXED), NULL, "read the table");
    printf("[index]  tensor table: %u entries, %u bytes at offset 0 (chunk 0)\n", (unsigned)n,
           (unsigned)(HEADER_FIXED + n * ENTRY_BYTES));

    /* 2. One tensor, at its offset: only its chunks are decrypted. */
    tensor t;
    unsigned idx = n;
    for (unsigned i = 0; i < n; i++) {
        const uint8_t *e = table + i * ENTRY_BYTES;
        if (strncmp((const char *)e, want, NAME_BYTES) == 0) {
            memcpy(t.name, e, NAME_BYTES);
            t.name[NAME_BYTES - 1] = '\0';
            t.offset = get_u64(e + NAME_BYTES);
            t.rows = get_u32(e + NAME_BYTES + 8);
            t.cols = get_u32(e + NAME_BYTES + 12);
            idx = i;
        }
    }
    if (idx == n) {
        fprintf(stderr, "%s not in the table\n", want);
        return 1;
    }
    size_t bytes = (size_t)t.rows * t.cols * 4;
    float *w = malloc(bytes);
    if (w == NULL) {
        return 1;
    }
    check(pqce_reader_pread(r, (uint8_t *)w, bytes, t.offset), NULL, "read the tensor");
    uint64_t first = t.offset / info.chunk_size, last = (t.offset + bytes - 1) / info.chunk_size;
    printf("[tensor] %s  shape=%ux%u float32  offset=%llu  bytes=%zu\n", t.name, t.rows, t.cols,
           (unsigned long long)t.offset, bytes);
    printf("[chunks] decrypted and verified chunks %llu..%llu: %llu of %llu (%.0f%% of the file)\n",
           (unsigned long long)first, (unsigned long long)last,
           (unsigned long long)(last - first + 1), (unsigned long long)chunks,
           100.0 * (double)(last - first + 1) / (double)chunks);
    printf("[values] w[0][0]=%.6f w[0][1]=%.6f w[255][255]=%.6f\n", (double)w[0], (double)w[1],
           (double)w[(size_t)255 * t.cols + 255]);
    int match = 1;
    for (uint32_t row = 0; row < t.rows; row++) {
        for (uint32_t c = 0; c < t.cols; c++) {
            float e = weight(idx, row, c);
            match &= memcmp(&w[(size_t)row * t.cols + c], &e, 4) == 0;
        }
    }
    printf("[check]  tensor equals the original weights: match=%s\n", match ? "True" : "False");

    pqce_memzero(w, bytes);
    free(w);
    pqce_reader_free(r);
    free(model);
    pqce_vault_free(vault);
    pqce_store_free(store);
    pqce_backend_free(backend);
    return match ? 0 : 1;
}
