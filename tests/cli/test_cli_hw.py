#!/usr/bin/env python3
"""Tests of the pqce command-line tool with the hardware backends: they run
the real binary against the private swtpm and SoftHSM2 simulators that
tests/hw_env.sh starts (label "hw"):

    tests/hw_env.sh --tpm2 --pkcs11 -- test_cli_hw.py --pqce build/cli/pqce [TestClass ...]

ctest runs one class per test, so each class gets fresh simulators. The
swtpm keeps its default dictionary-attack threshold (3 failures): no class
gives more than one wrong PIN to a TPM, and the PCR test uses the
resettable PCR 16, so the other tests' PCR-bound vaults are not disturbed.
"""
import ctypes
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_cli  # noqa: E402  (the shared helpers: Vault, CliTest, exit codes)
from test_cli import (OK, USAGE, LOCKED, POLICY, ROLLBACK, GENERAL,  # noqa: E402
                      CliTest, Vault, random_file, read_bytes, read_text)

TPM_PIN = "tpm-pin-4321"
WRONG_PIN = "not-the-pin"


def env_or_fail(name):
    value = os.environ.get(name)
    if not value:
        raise SystemExit(f"{name} is not set: run under tests/hw_env.sh --tpm2 --pkcs11")
    return value


def tpm_tool(tcti, *args):
    """Runs a tpm2-tools command against the simulator; it must succeed."""
    env = dict(os.environ, TPM2TOOLS_TCTI=tcti)
    run = subprocess.run(list(args), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         timeout=60)
    if run.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed: {run.stderr.decode()}")
    return run.stdout.decode()


class HwVault(Vault):
    """A vault driven with a PIN (from the environment variable PQCE_TEST_PIN)
    instead of a passphrase."""

    def __init__(self, root, name, pin):
        super().__init__(root, name)
        self.env.pop("PQCE_TEST_PASS", None)
        self.env["PQCE_TEST_PIN"] = pin

    def run(self, *args, pin=True, **kw):
        args = list(args)
        if pin and args and args[0] in test_cli.VAULT_COMMANDS:
            args += ["--pin-env", "PQCE_TEST_PIN"]
        return super().run(*args, passphrase=False, **kw)

    def with_pin(self, pin):
        return dict(self.env, PQCE_TEST_PIN=pin)

    def config(self):
        return read_text(os.path.join(self.dir, "pqce-cli.conf"))


class HwCliTest(CliTest):
    def setUp(self):
        super().setUp()
        self.tcti = env_or_fail("PQCE_TEST_TPM2_TCTI")
        self.tcti_other = env_or_fail("PQCE_TEST_TPM2_TCTI_OTHER")
        self.module = env_or_fail("PQCE_TEST_PKCS11_MODULE")
        self.token = env_or_fail("PQCE_TEST_PKCS11_TOKEN")
        self.p11_pin = env_or_fail("PQCE_TEST_PKCS11_PIN")

    def tpm_vault(self, name="tpm", *extra, pin=True):
        v = HwVault(self.tmp, name, TPM_PIN)
        out = v.ok("init", "--backend", "tpm2", "--tcti", self.tcti, *extra,
                   pin=pin).stdout.decode()
        self.assertIn("tpm2 (swtpm:path=", out)
        self.assertIn("TPM NV counter 0x01", out)
        return v

    def p11_vault(self, name="p11", *extra):
        v = HwVault(self.tmp, name, self.p11_pin)
        out = v.ok("init", "--backend", "pkcs11", "--module", self.module, "--token",
                   self.token, *extra).stdout.decode()
        self.assertIn("a PKCS#11 token has no monotonic counter", out)
        return v

    def assertNoPin(self, v, *pins):
        """Neither the configuration nor anything printed holds a PIN."""
        conf = v.config()
        for p in pins:
            self.assertNotIn(p, conf)


class Tpm2CliTest(HwCliTest):
    """A TPM 2.0 vault through the CLI: PIN, PCR policy, NV-counter rollback."""

    def test_lifecycle_with_a_pin_across_processes(self):
        v = self.tpm_vault("tpm", "--device-id", "jetson-7")
        conf = v.config()
        self.assertIn("backend = tpm2", conf)
        self.assertIn("credential = pin", conf)
        self.assertIn(f"tpm2_tcti = {self.tcti}", conf)
        self.assertRegex(conf, r"tpm2_nv_index = 0x01[0-9a-f]{6}")
        self.assertNoPin(v, TPM_PIN)
        model = random_file(self.path("model.bin"), 2 * 1024 * 1024 + 5, seed=7)
        v.ok("put", self.path("model.bin"), "--name", "llama", "--kind", "model-weights")
        # each command is a new process: unlock (unseal), work, save, lock
        v.ok("get", "llama", "-o", self.path("back.bin"))
        self.assertEqual(read_bytes(self.path("back.bin")), model)
        self.assertEqual(v.ok("get", "llama").stdout, model)
        listing = v.json("ls")
        self.assertEqual([a["name"] for a in listing], ["llama"])
        self.assertEqual(v.ok("verify").stdout.decode().count("ok  "), 1)
        info = v.json("init", "--vault", self.path("tpm-2"), "--backend", "tpm2", "--tcti",
                      self.tcti)
        self.assertEqual(info["backend"], "tpm2")
        self.assertTrue(info["monotonic_counter"])
        self.assertFalse(info["hardware_bound"], "swtpm is a simulator")
        self.assertTrue(info["nv_index"].startswith("0x01"))

    def test_wrong_pin_is_exit_4_and_the_right_one_still_works(self):
        v = self.tpm_vault()
        random_file(self.path("m.bin"), 1000)
        v.ok("put", self.path("m.bin"), "--name", "m")
        # one wrong PIN: below the swtpm's lockout threshold of 3
        run = v.run("ls", env=v.with_pin(WRONG_PIN))
        self.assertExit(run, LOCKED, "wrong PIN")
        self.assertNotIn(WRONG_PIN, run.stderr)
        self.assertEqual([a["name"] for a in v.json("ls")], ["m"])
        # a vault made without a PIN needs none; giving one is a usage error
        w = self.tpm_vault("no-pin-vault", pin=False)
        self.assertIn("credential = none", w.config())
        self.assertExit(w.run("ls", pin=False), OK)
        self.assertExit(w.run("ls"), USAGE, "without a PIN")

    def test_pcr_extend_refuses_with_the_policy_error_and_reset_restores(self):
        tpm_tool(self.tcti, "tpm2_pcrreset", "16")
        v = self.tpm_vault("tpm", "--pcrs", "sha256:16")
        self.assertIn("tpm2_pcrs = sha256:16", v.config())
        random_file(self.path("m.bin"), 4096)
        v.ok("put", self.path("m.bin"), "--name", "m")
        tpm_tool(self.tcti, "tpm2_pcrextend", "16:sha256=" + "01" * 32)
        self.assertExit(v.run("get", "m", "-o", self.path("out.bin")), POLICY, "PCR")
        self.assertFalse(os.path.exists(self.path("out.bin")))
        # the same PCR state again (reset, as a reboot would): it unseals
        tpm_tool(self.tcti, "tpm2_pcrreset", "16")
        v.ok("get", "m", "-o", self.path("out.bin"))
        self.assertEqual(read_bytes(self.path("out.bin")), read_bytes(self.path("m.bin")))

    def test_restored_older_vault_is_a_rollback(self):
        v = self.tpm_vault()
        random_file(self.path("a.bin"), 1000, seed=1)
        v.ok("put", self.path("a.bin"), "--name", "a")
        old = self.path("old-copy")
        subprocess.run(["cp", "-a", v.dir, old], check=True)
        random_file(self.path("b.bin"), 1000, seed=2)
        v.ok("put", self.path("b.bin"), "--name", "b")
        subprocess.run(["rm", "-rf", v.dir], check=True)
        subprocess.run(["cp", "-a", old, v.dir], check=True)
        self.assertExit(v.run("ls"), ROLLBACK, "PQCE_ERR_ROLLBACK")

    def test_vault_moved_to_another_tpm_does_not_unseal(self):
        v = self.tpm_vault()
        random_file(self.path("m.bin"), 1000)
        v.ok("put", self.path("m.bin"), "--name", "m")
        # the same directory, configured for the other simulator ("device")
        conf = os.path.join(v.dir, "pqce-cli.conf")
        text = read_text(conf).replace(f"tpm2_tcti = {self.tcti}",
                                       f"tpm2_tcti = {self.tcti_other}")
        with open(conf, "w") as f:
            f.write(text)
        run = v.run("get", "m", "-o", self.path("out.bin"))
        self.assertExit(run, GENERAL, "it was sealed by another TPM")
        self.assertNotIn("tpm2: tpm2:", run.stderr, "the backend's name is said once")
        self.assertFalse(os.path.exists(self.path("out.bin")))


class Pkcs11CliTest(HwCliTest):
    """A PKCS#11 vault through the CLI against SoftHSM2."""

    def test_lifecycle_with_a_pin_across_processes(self):
        v = self.p11_vault("p11", "--key-label", "pqce-cli-test-key")
        conf = v.config()
        self.assertIn("backend = pkcs11", conf)
        self.assertIn(f"pkcs11_module = {os.path.realpath(self.module)}", conf)
        self.assertIn(f"pkcs11_token = {self.token}", conf)
        self.assertIn("pkcs11_key_label = pqce-cli-test-key", conf)
        self.assertNoPin(v, self.p11_pin)
        data = random_file(self.path("lora.bin"), 300000, seed=3)
        v.ok("put", self.path("lora.bin"), "--name", "lora", "--kind", "lora-adapter")
        self.assertEqual(v.ok("get", "lora").stdout, data)
        self.assertEqual(v.json("ls")[0]["kind"], "lora-adapter")

    def test_wrong_pin_is_exit_4(self):
        v = self.p11_vault()
        run = v.run("ls", env=v.with_pin(WRONG_PIN))
        self.assertExit(run, LOCKED, "CKR_PIN_INCORRECT")
        self.assertNotIn(WRONG_PIN, run.stderr)
        v.ok("ls")


class BackendsCliTest(HwCliTest):
    """`pqce backends` and the options that do not fit a backend."""

    def test_backends_lists_capabilities(self):
        v = HwVault(self.tmp, "unused", "")
        rows = {b["name"]: b for b in v.json("backends", "--tcti", self.tcti, "--module",
                                             self.module)}
        for name in ("file", "memory", "tpm2", "pkcs11", "ios", "android", "qsee"):
            self.assertIn(name, rows)
        self.assertTrue(rows["tpm2"]["compiled_in"] and rows["tpm2"]["available"])
        self.assertTrue(rows["tpm2"]["monotonic_counter"])
        self.assertTrue(rows["pkcs11"]["compiled_in"] and rows["pkcs11"]["available"])
        self.assertFalse(rows["pkcs11"]["monotonic_counter"])
        self.assertFalse(rows["ios"]["available"])
        # the simulators are not hardware
        self.assertFalse(rows["tpm2"]["hardware_bound"])
        table = v.ok("backends", "--tcti", self.tcti, "--module", self.module).stdout.decode()
        self.assertRegex(table, r"(?m)^tpm2\s+yes\s+yes")
        # a TPM that is not there: compiled in, not available
        rows = {b["name"]: b for b in v.json("backends", "--tcti",
                                             "swtpm:path=" + self.path("none"))}
        self.assertTrue(rows["tpm2"]["compiled_in"])
        self.assertFalse(rows["tpm2"]["available"])
        self.assertIn("not reachable", rows["tpm2"]["detail"])

    def test_options_that_do_not_fit_the_backend_are_usage_errors(self):
        v = HwVault(self.tmp, "bad", TPM_PIN)
        cases = (
            (["--backend", "pkcs11", "--token", self.token], "--module"),
            (["--backend", "pkcs11", "--module", self.module], "--token"),
            (["--backend", "tpm2", "--tcti", self.tcti, "--counter-file", self.path("c")],
             "--counter-file"),
            (["--backend", "tpm2", "--tcti", self.tcti, "--pcrs", "sha256:99"], "PCR"),
            (["--backend", "file", "--tcti", self.tcti], "--tcti"),
            (["--backend", "tpm2", "--tcti", self.tcti, "--keyring-cache", "abc"],
             "--keyring-cache"),
        )
        for args, want in cases:
            self.assertExit(v.run("init", *args), USAGE, want)
            self.assertFalse(os.path.exists(v.dir), "a refused init leaves nothing")
        # bad PINs: longer than a TPM takes, a NUL inside; PIN with --no-login
        with open(self.path("nul-pin"), "wb") as f:
            f.write(b"12\x0034")
        pin_cases = (
            (["--backend", "tpm2", "--tcti", self.tcti], v.with_pin("x" * 33), "at most 32"),
            (["--backend", "tpm2", "--tcti", self.tcti, "--pin-file", self.path("nul-pin")],
             None, "NUL"),
            (["--backend", "pkcs11", "--module", self.module, "--token", self.token,
              "--no-login"], None, "--no-login"),
            (["--backend", "tpm2", "--tcti", self.tcti, "--nv-index", "0x1000"], None,
             "--nv-index"),
        )
        for args, env, want in pin_cases:
            run = v.run("init", *args, pin=args.count("--pin-file") == 0, env=env)
            self.assertExit(run, USAGE, want)
            self.assertFalse(os.path.exists(v.dir), "a refused init leaves nothing")
        # a passphrase option on a TPM vault, a PIN option on a file vault
        t = self.tpm_vault()
        self.assertExit(t.run("ls", "--passphrase-env", "PQCE_TEST_PIN", pin=False), USAGE,
                        "takes a PIN")
        f = Vault(self.tmp, "file-vault")
        f.init()
        self.assertExit(f.run("ls", "--pin-env", "PQCE_TEST_PASS", passphrase=False), USAGE,
                        "PIN")


def join_own_session_keyring():
    """KEYCTL_JOIN_SESSION_KEYRING(NULL): a new anonymous session keyring for
    this process and its children, so the test never touches the caller's."""
    libc = ctypes.CDLL(None, use_errno=True)
    sys_keyctl = {"x86_64": 250, "aarch64": 219}[os.uname().machine]
    if libc.syscall(sys_keyctl, 1, None) < 0:
        raise AssertionError(f"keyctl join: {os.strerror(ctypes.get_errno())}")


class KeyringCliTest(HwCliTest):
    """--keyring-cache: the next process unlocks without the PIN; lock ends it."""

    def setUp(self):
        super().setUp()
        join_own_session_keyring()

    def check_cache(self, v):
        data = random_file(self.path(f"{v.dir[-3:]}.bin"), 50000, seed=5)
        v.ok("put", self.path(f"{v.dir[-3:]}.bin"), "--name", "m")
        # no PIN anywhere (and no terminal): served from the session keyring
        self.assertEqual(v.ok("get", "m", pin=False).stdout, data)
        self.assertEqual(v.ok("lock", pin=False).stdout.decode().strip(),
                         "locked: the vault's secret is no longer in the session keyring")
        self.assertExit(v.run("get", "m", pin=False), USAGE, "no PIN")
        # the PIN unlocks again and refills the cache
        self.assertEqual(v.ok("get", "m").stdout, data)
        self.assertEqual(v.ok("get", "m", pin=False).stdout, data)
        v.ok("lock", pin=False)

    def test_tpm2_vault_unlocks_from_the_cache(self):
        v = self.tpm_vault("tpm", "--pcrs", "sha256:7", "--keyring-cache", "600")
        self.assertIn("keyring_cache_seconds = 600", v.config())
        self.check_cache(v)

    def test_pkcs11_vault_unlocks_from_the_cache(self):
        self.check_cache(self.p11_vault("p11", "--keyring-cache", "600"))

    def test_cache_is_off_by_default(self):
        v = self.p11_vault()
        random_file(self.path("m.bin"), 100)
        v.ok("put", self.path("m.bin"), "--name", "m")
        self.assertExit(v.run("get", "m", pin=False), USAGE, "no PIN")
        self.assertIn("no unlock cache", v.ok("lock", pin=False).stdout.decode())


def main():
    test_cli.main()


if __name__ == "__main__":
    main()
