/*
 * keytext.c - public keys as text: Bech32m [BIP-350] with a
 * human-readable part that names what the key is, in the manner of age's
 * "age1..." recipients (docs/CLI.md, "Public keys as text").
 *
 *   pqce1mlkem768 1 <data> <checksum>      (no spaces; the last '1' separates)
 *
 * | HRP             | key                                  | bytes |
 * | pqce1mlkem768   | a vault's ML-KEM-768 recipient key   | 1184  |
 * | pqce1xwing      | a vault's X-Wing recipient key       | 1216  |
 * | pqce1mlkem1024  | a vault's ML-KEM-1024 recipient key  | 1568  |
 * | pqce1mldsa65    | a vault's ML-DSA-65 attestation key  | 1952  |
 * | pqce1mldsa87    | a vault's ML-DSA-87 attestation key  | 2592  |
 *
 * The data are the key's bytes in 5-bit groups (zero-padded, the padding
 * must be zero), and the checksum is Bech32m's 6-symbol BCH code over the
 * HRP and the data. BIP-173's 90-character limit does not apply (as in
 * age); for strings this long the checksum still detects any error with
 * probability 1 - 2^-30 and, unlike a hash, any single-symbol error always.
 * The text is written in lower case; an all-upper-case text is accepted,
 * a mixed-case one is not.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
#define BECH32M_CONST 0x2bc830a3u

typedef struct key_type {
    const char *hrp;
    int kind;
    unsigned param;
    size_t len;
    const char *what;
} key_type;

static const key_type types[] = {
    {"pqce1mlkem768", CLI_KEY_KIND_RECIPIENT, PQCE_SUITE_MLKEM768, PQCE_MLKEM768_EK_BYTES,
     "ML-KEM-768 recipient key"},
    {"pqce1xwing", CLI_KEY_KIND_RECIPIENT, PQCE_SUITE_XWING, 1216, "X-Wing recipient key"},
    {"pqce1mlkem1024", CLI_KEY_KIND_RECIPIENT, PQCE_SUITE_MLKEM1024, PQCE_MLKEM1024_EK_BYTES,
     "ML-KEM-1024 recipient key"},
    {"pqce1mldsa65", CLI_KEY_KIND_ATTESTATION, 65, PQCE_MLDSA65_PK_BYTES,
     "ML-DSA-65 attestation key"},
    {"pqce1mldsa87", CLI_KEY_KIND_ATTESTATION, 87, PQCE_MLDSA87_PK_BYTES,
     "ML-DSA-87 attestation key"},
};
#define TYPE_COUNT (sizeof types / sizeof types[0])

static uint32_t polymod_step(uint32_t chk, uint32_t v)
{
    static const uint32_t gen[5] = {0x3b6a57b2u, 0x26508e6du, 0x1ea119fau, 0x3d4233ddu,
                                    0x2a1462b3u};
    uint32_t top = chk >> 25;
    chk = (chk & 0x1ffffffu) << 5 ^ v;
    for (unsigned i = 0; i < 5; i++) {
        if ((top >> i) & 1u) {
            chk ^= gen[i];
        }
    }
    return chk;
}

/* The checksum state after the HRP's expansion [BIP-173]. */
static uint32_t polymod_hrp(const char *hrp, size_t n)
{
    uint32_t chk = 1;
    for (size_t i = 0; i < n; i++) {
        chk = polymod_step(chk, (uint32_t)(unsigned char)hrp[i] >> 5);
    }
    chk = polymod_step(chk, 0);
    for (size_t i = 0; i < n; i++) {
        chk = polymod_step(chk, (uint32_t)(unsigned char)hrp[i] & 31u);
    }
    return chk;
}

static const key_type *type_of(int kind, unsigned param)
{
    for (size_t i = 0; i < TYPE_COUNT; i++) {
        if (types[i].kind == kind && types[i].param == param) {
            return &types[i];
        }
    }
    return NULL;
}

int cli_key_encode(char **text, const cli_key *key)
{
    const key_type *t = type_of(key->kind, key->param);
    *text = NULL;
    if (t == NULL || key->key_len != t->len) {
        return PQCE_ERR_INVALID_ARG;
    }
    size_t hlen = strlen(t->hrp), groups = (key->key_len * 8 + 4) / 5;
    char *out = malloc(hlen + 1 + groups + 6 + 1);
    if (out == NULL) {
        return PQCE_ERR_NOMEM;
    }
    memcpy(out, t->hrp, hlen);
    out[hlen] = '1';
    char *d = out + hlen + 1;
    uint32_t chk = polymod_hrp(t->hrp, hlen), acc = 0;
    unsigned bits = 0;
    size_t j = 0;
    for (size_t i = 0; i < key->key_len; i++) {
        acc = (acc << 8 | key->key[i]) & 0xfffu;
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            uint32_t v = (acc >> bits) & 31u;
            chk = polymod_step(chk, v);
            d[j++] = charset[v];
        }
    }
    if (bits > 0) {
        uint32_t v = (acc << (5 - bits)) & 31u;
        chk = polymod_step(chk, v);
        d[j++] = charset[v];
    }
    for (unsigned i = 0; i < 6; i++) {
        chk = polymod_step(chk, 0);
    }
    chk ^= BECH32M_CONST;
    for (unsigned i = 0; i < 6; i++) {
        d[j++] = charset[(chk >> (5 * (5 - i))) & 31u];
    }
    d[j] = '\0';
    *text = out;
    return PQCE_OK;
}

int cli_key_decode(cli_key *key, const char *text, char *why, size_t why_cap)
{
    size_t n = strlen(text);
    int lower = 0, upper = 0;
    memset(key, 0, sizeof *key);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c < 33 || c > 126) {
            snprintf(why, why_cap, "a key text has no spaces or control characters");
            return PQCE_ERR_FORMAT;
        }
        lower |= islower(c) != 0;
        upper |= isupper(c) != 0;
    }
    if (lower && upper) {
        snprintf(why, why_cap, "mixed upper and lower case in a key text");
        return PQCE_ERR_FORMAT;
    }
    const char *sep = strrchr(text, '1');
    if (sep == NULL || sep == text || (size_t)(text + n - sep) < 7) {
        snprintf(why, why_cap,
                 "not a pqce key text (it starts like pqce1mlkem768 or pqce1mldsa65)");
        return PQCE_ERR_FORMAT;
    }
    char hrp[32];
    size_t hlen = (size_t)(sep - text);
    if (hlen >= sizeof hrp) {
        snprintf(why, why_cap,
                 "not a pqce key text (it starts like pqce1mlkem768 or pqce1mldsa65)");
        return PQCE_ERR_FORMAT;
    }
    for (size_t i = 0; i < hlen; i++) {
        hrp[i] = (char)tolower((unsigned char)text[i]);
    }
    hrp[hlen] = '\0';
    const key_type *t = NULL;
    for (size_t i = 0; i < TYPE_COUNT; i++) {
        if (strcmp(types[i].hrp, hrp) == 0) {
            t = &types[i];
        }
    }
    if (t == NULL) {
        snprintf(why, why_cap,
                 "unknown key type '%s' (known: pqce1mlkem768, pqce1xwing, pqce1mlkem1024, "
                 "pqce1mldsa65, pqce1mldsa87)",
                 hrp);
        return PQCE_ERR_FORMAT;
    }
    const char *d = sep + 1;
    size_t dlen = n - hlen - 1, groups = dlen - 6;
    if (groups != (t->len * 8 + 4) / 5) {
        snprintf(why, why_cap, "a %s has %zu characters after '%s1', this one %zu (truncated?)",
                 t->what, (t->len * 8 + 4) / 5 + 6, hrp, dlen);
        return PQCE_ERR_FORMAT;
    }
    uint32_t chk = polymod_hrp(hrp, hlen), acc = 0;
    unsigned bits = 0;
    size_t out = 0;
    for (size_t i = 0; i < dlen; i++) {
        const char *p = strchr(charset, tolower((unsigned char)d[i]));
        if (p == NULL || d[i] == '\0') {
            snprintf(why, why_cap, "'%c' at position %zu is not a Bech32 character", d[i],
                     hlen + 2 + i);
            return PQCE_ERR_FORMAT;
        }
        uint32_t v = (uint32_t)(p - charset);
        chk = polymod_step(chk, v);
        if (i < groups) {
            acc = (acc << 5 | v) & 0xfffu;
            bits += 5;
            if (bits >= 8) {
                bits -= 8;
                key->key[out++] = (uint8_t)(acc >> bits);
            }
        }
    }
    if (chk != BECH32M_CONST) {
        snprintf(why, why_cap,
                 "the checksum does not match: the key text was mistyped, truncated or damaged");
        memset(key, 0, sizeof *key);
        return PQCE_ERR_FORMAT;
    }
    if (bits >= 5 || (acc & ((1u << bits) - 1u)) != 0) {
        snprintf(why, why_cap, "the key text's padding bits are not zero");
        memset(key, 0, sizeof *key);
        return PQCE_ERR_FORMAT;
    }
    key->kind = t->kind;
    key->param = t->param;
    key->key_len = out;
    return PQCE_OK;
}

/* Strips spaces, tabs and a trailing CR in place. */
static char *strip(char *s)
{
    while (*s == ' ' || *s == '\t') {
        s++;
    }
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) {
        s[--n] = '\0';
    }
    return s;
}

static int add_key(const cli_ctx *ctx, const char *text, const char *where, int kind,
                   cli_key **keys, size_t *count)
{
    char why[256];
    cli_key k;
    if (cli_key_decode(&k, text, why, sizeof why) != PQCE_OK) {
        cli_error(ctx, "%s: %s", where, why);
        return EXIT_USAGE;
    }
    if (k.kind != kind) {
        cli_error(ctx, "%s: this is %s, expected %s", where,
                  k.kind == CLI_KEY_KIND_ATTESTATION ? "an attestation key (pqce1mldsa...)"
                                                     : "a recipient key (pqce1mlkem...)",
                  kind == CLI_KEY_KIND_ATTESTATION ? "an attestation key (pubkey --attestation)"
                                                   : "a recipient key (pqce pubkey)");
        return EXIT_USAGE;
    }
    cli_key *grown = realloc(*keys, (*count + 1) * sizeof **keys);
    if (grown == NULL) {
        cli_error(ctx, "out of memory");
        return EXIT_GENERAL;
    }
    *keys = grown;
    (*keys)[(*count)++] = k;
    return EXIT_OK;
}

int cli_keys_from_arg(const cli_ctx *ctx, const char *arg, int kind, cli_key **keys, size_t *count)
{
    if (strncasecmp(arg, "pqce1", 5) == 0) {
        return add_key(ctx, arg, "the key given", kind, keys, count);
    }
    char *text = NULL;
    size_t len = 0;
    int e = cli_read_small_file(arg, 1u << 20, &text, &len);
    if (e != 0) {
        return cli_io_fail(ctx, "cannot read the key file", arg, e == EFBIG ? EFBIG : e);
    }
    int rc = EXIT_OK;
    size_t found = 0;
    unsigned lineno = 0;
    char where[512];
    for (char *line = text, *next; line != NULL && *line != '\0' && rc == EXIT_OK; line = next) {
        next = strchr(line, '\n');
        if (next != NULL) {
            *next++ = '\0';
        }
        lineno++;
        char *l = strip(line);
        if (*l == '\0' || *l == '#') {
            continue;
        }
        snprintf(where, sizeof where, "%s, line %u", arg, lineno);
        rc = add_key(ctx, l, where, kind, keys, count);
        found++;
    }
    free(text);
    if (rc == EXIT_OK && found == 0) {
        cli_error(ctx, "%s holds no key", arg);
        rc = EXIT_USAGE;
    }
    return rc;
}
