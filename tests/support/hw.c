/* hw.c - helpers for the simulator and keyring tests (hw.h): environment,
 * session keyring, directories. The TPM helpers are in hw_tpm.c. */
#include "hw.h"

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

const char *hw_env(const char *name)
{
    const char *v = getenv(name);
    if (v == NULL || v[0] == '\0') {
        fprintf(stderr,
                "  %s is not set: run this test under tests/hw_env.sh (ctest does), which "
                "starts the simulators\n",
                name);
        return NULL;
    }
    return v;
}

int hw_join_session_keyring(void)
{
    /* KEYCTL_JOIN_SESSION_KEYRING (1) with a NULL name: a new anonymous one */
    return syscall(SYS_keyctl, 1L, NULL) < 0 ? -1 : 0;
}

void hw_fresh_dir(char *out, size_t cap, const char *tag)
{
    char tmpl[128];
    snprintf(tmpl, sizeof tmpl, "/tmp/pqce-%s-XXXXXX", tag);
    snprintf(out, cap, "%s", mkdtemp(tmpl) != NULL ? tmpl : "/tmp/pqce-hw-mkdtemp-failed");
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void hw_rm_rf(const char *dir)
{
    (void)nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int hw_copy_file(const char *from, const char *to)
{
    char buf[65536];
    int ok = 0;
    FILE *in = fopen(from, "rb");
    FILE *out = in != NULL ? fopen(to, "wb") : NULL;
    if (in != NULL && out != NULL) {
        size_t n;
        ok = 1;
        while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
            ok &= fwrite(buf, 1, n, out) == n;
        }
        ok &= !ferror(in);
    }
    if (out != NULL) {
        ok &= fflush(out) == 0 && fsync(fileno(out)) == 0;
        ok &= fclose(out) == 0;
    }
    if (in != NULL) {
        (void)fclose(in);
    }
    return ok;
}
