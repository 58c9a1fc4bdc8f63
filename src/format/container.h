/*
 * container.h - internal entry points of the container for the vault:
 * sealing into a sink (a store object) and opening from a source (a store
 * object read at offsets) or from a descriptor the reader owns.
 */
#ifndef PQCE_FORMAT_CONTAINER_H
#define PQCE_FORMAT_CONTAINER_H

#include "pqce.h"

/* Where sealed bytes go: write must take all len bytes or fail. */
typedef struct pqce_sink {
    int (*write)(void *ctx, const uint8_t *buf, size_t len);
    void *ctx;
} pqce_sink;

/* Where a container is read from. release (may be NULL) is called once
 * when the reader is freed, or when opening fails. */
typedef struct pqce_source {
    int (*read_at)(void *ctx, uint8_t *buf, size_t len, uint64_t offset);
    void (*release)(void *ctx);
    void *ctx;
    uint64_t size;
} pqce_source;

/* pqce_seal_fd / pqce_seal_reader with the output going to sink; exactly
 * one of in_fd (>= 0) and read_fn is given. */
int pqce_seal_to_sink(const pqce_options *opts, const pqce_sink *sink, pqce_artifact_info *info,
                      const pqce_metadata *meta, const pqce_recipient *recipients,
                      size_t recipient_count, int in_fd, pqce_read_fn read_fn, void *read_ctx);

/* Opens from a source (the reader calls src->release at free). */
int pqce_open_source(pqce_reader **reader, const pqce_options *opts, const pqce_identity *identity,
                     const pqce_source *src);

/* pqce_open_fd, with the reader owning fd: it is closed at
 * pqce_reader_free, or before returning when opening fails. */
int pqce_open_fd_owned(pqce_reader **reader, const pqce_options *opts,
                       const pqce_identity *identity, int fd);

/* The identity key's recipient and the artifact id of an open reader, as
 * the vault needs them. */
int pqce_reader_artifact_id(const pqce_reader *reader, uint8_t id[16]);

#endif /* PQCE_FORMAT_CONTAINER_H */
