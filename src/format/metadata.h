/*
 * metadata.h - artifact kinds and the canonical metadata encoding
 * [FORMAT, 5].
 */
#ifndef PQCE_FORMAT_METADATA_H
#define PQCE_FORMAT_METADATA_H

#include "format/bytes.h"
#include "pqce.h"

/* The largest encoding that the bounds allow (for allocation checks). */
#define PQCE_METADATA_MAX_BYTES                                                                    \
    (2 + PQCE_NAME_MAX + 1 + 3 * (1 + PQCE_SHORT_FIELD_MAX) + 8 + 8 + 2 + PQCE_MODEL_DID_MAX + 1 + \
     PQCE_TAGS_MAX * (1 + PQCE_SHORT_FIELD_MAX) + 2 + PQCE_DESCRIPTION_MAX)

/* Checks every field against its bound and the string rules.
 * Errors: PQCE_ERR_INVALID_ARG. */
int pqce_metadata_check(const pqce_metadata *m);

/* Appends the canonical encoding (call pqce_metadata_check first). */
void pqce_metadata_encode(pqce_bw *w, const pqce_metadata *m);

/* Decoded metadata that owns its strings. */
typedef struct pqce_metadata_owned {
    pqce_metadata m;
    char *arena;       /* all strings, NUL-terminated */
    const char **tags; /* tag_count pointers into arena */
} pqce_metadata_owned;

/* Decodes and validates exactly len bytes. Errors: PQCE_ERR_FORMAT,
 * PQCE_ERR_NOMEM. */
int pqce_metadata_decode(pqce_metadata_owned *out, const uint8_t *buf, size_t len);
void pqce_metadata_owned_free(pqce_metadata_owned *o);

/* 1 if s (len bytes) is valid UTF-8 without NUL or control characters
 * (tab and newline are allowed when allow_newlines). */
int pqce_utf8_text_ok(const uint8_t *s, size_t len, int allow_newlines);

#endif /* PQCE_FORMAT_METADATA_H */
