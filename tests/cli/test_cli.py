#!/usr/bin/env python3
"""Tests of the pqce command-line tool: they run the real binary.

    test_cli.py --pqce build/cli/pqce [TestClass[.test_method] ...]

ctest runs one class per test (label "cli"). Python's standard library
only: hashlib.sha3_256 is the independent SHA3-256, json the JSON parser,
pty the terminal. Every vault uses scrypt at 2^12 (PQCE_SCRYPT_LOG2N) and a
state directory of its own for the rollback counter (XDG_STATE_HOME).
"""
import argparse
import hashlib
import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

PQCE = None
PASSPHRASE = "correct horse battery staple 42"

# exit codes (docs/CLI.md)
OK, GENERAL, USAGE, NOT_FOUND, LOCKED, INTEGRITY, POLICY, ROLLBACK, IO = range(9)

VAULT_COMMANDS = {"init", "lock", "put", "get", "ls", "rm", "inspect", "verify", "pubkey",
                  "import", "attest", "audit", "policy"}


class Vault:
    """A vault directory and the environment to drive it."""

    def __init__(self, root, name="vault", passphrase=PASSPHRASE):
        self.root = root
        self.dir = os.path.join(root, name)
        self.state = os.path.join(root, "state")
        self.env = dict(os.environ, PQCE_VAULT=self.dir, PQCE_SCRYPT_LOG2N="12",
                        XDG_STATE_HOME=self.state, PQCE_TEST_PASS=passphrase)
        self.env.pop("PQCE_PASSPHRASE", None)

    def run(self, *args, stdin=None, input_bytes=None, passphrase=True, env=None,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300):
        """Runs pqce with the vault's environment, adding --passphrase-env for
        vault commands unless passphrase is False. Returns CompletedProcess
        with bytes stdout and text stderr."""
        cmd = [PQCE, *args]
        if passphrase and args and args[0] in VAULT_COMMANDS:
            cmd += ["--passphrase-env", "PQCE_TEST_PASS"]
        run = subprocess.run(cmd, input=input_bytes, stdin=stdin, stdout=stdout, stderr=stderr,
                             env=env if env is not None else self.env, timeout=timeout,
                             start_new_session=True)  # no controlling terminal: never prompts
        if isinstance(run.stderr, bytes):
            run.stderr = run.stderr.decode("utf-8", "replace")
        return run

    def ok(self, *args, **kw):
        run = self.run(*args, **kw)
        if run.returncode != 0:
            raise AssertionError(f"pqce {' '.join(args)} exited {run.returncode}: {run.stderr}")
        return run

    def json(self, *args, **kw):
        run = self.ok(*args, "--json", **kw)
        return json.loads(run.stdout)

    def init(self, *args):
        return self.ok("init", *args)

    def counter_file(self):
        for line in read_text(os.path.join(self.dir, "pqce-cli.conf")).splitlines():
            if line.startswith("counter_file = "):
                return line.split("=", 1)[1].strip()
        return None


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def read_text(path):
    with open(path) as f:
        return f.read()


def random_file(path, size, seed=0):
    """Writes size pseudo-random bytes (SHAKE-128 of the seed) and returns them."""
    data = hashlib.shake_128(f"pqce-cli-test-{seed}".encode()).digest(size)
    with open(path, "wb") as f:
        f.write(data)
    return data


def tamper(path, offset_from_end=100):
    with open(path, "r+b") as f:
        f.seek(-offset_from_end, os.SEEK_END)
        b = f.read(1)
        f.seek(-offset_from_end, os.SEEK_END)
        f.write(bytes([b[0] ^ 0x01]))


class CliTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="pqce-cli-")
        self.v = Vault(self.tmp)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def assertExit(self, run, code, stderr_has=None):
        self.assertEqual(run.returncode, code,
                         f"exit {run.returncode}, expected {code}; stderr: {run.stderr}")
        if code != OK:
            lines = [l for l in run.stderr.splitlines() if l.strip()]
            self.assertGreaterEqual(len(lines), 1, "an error says why on stderr")
            self.assertTrue(lines[-1].startswith("pqce"), run.stderr)
        if stderr_has is not None:
            self.assertIn(stderr_has, run.stderr)
        self.assertNotIn(PASSPHRASE, run.stderr)
        if isinstance(run.stdout, bytes):
            self.assertNotIn(PASSPHRASE.encode(), run.stdout)


class TourTest(CliTest):
    """The whole tour of docs/CLI.md on a fresh vault."""

    def test_full_tour_on_a_fresh_vault(self):
        v = self.v
        out = v.init("--device-id", "edge-box-1", "--device-model", "thinkpad").stdout.decode()
        self.assertIn("created vault", out)
        self.assertTrue(os.path.isfile(os.path.join(v.dir, "pqce-cli.conf")))
        counter = v.counter_file()
        self.assertTrue(counter.startswith(v.state + "/pqce/vault-"), counter)
        model = random_file(self.path("model.bin"), 3 * 1024 * 1024 + 17, seed=1)
        put = v.ok("put", self.path("model.bin"), "--name", "llama-3.2-1b-int4", "--kind",
                   "model-weights", "--version", "1.0.0", "--bundle", "com.example.localllm",
                   "--tag", "prod", "--tag", "int4", "--description", "weights").stdout.decode()
        self.assertIn("stored llama-3.2-1b-int4", put)
        self.assertIn(hashlib.sha3_256(model).hexdigest(), put)
        v.ok("put", "-", "--name", "api-key", "--kind", "credential", input_bytes=b"sk-test-1")
        ls = v.ok("ls").stdout.decode()
        self.assertRegex(ls, r"llama-3\.2-1b-int4\s+model-weights\s+3\.0 MiB\s+1\.0\.0\s+"
                             r"com\.example\.localllm")
        self.assertIn("api-key", ls)
        self.assertIn("urn:pqc-enclave-art:", v.ok("ls", "-l").stdout.decode())
        # get to a file and to standard output
        v.ok("get", "llama-3.2-1b-int4", "-o", self.path("back.bin"))
        self.assertEqual(read_bytes(self.path("back.bin")), model)
        self.assertEqual(v.ok("get", "api-key").stdout, b"sk-test-1")
        ins = v.ok("inspect", "llama-3.2-1b-int4").stdout.decode()
        for want in ("kind               model-weights", "prod, int4", "ML-KEM-768",
                     "1 recipient stanza", "edge-box-1"):
            self.assertIn(want, ins)
        ver = v.ok("verify").stdout.decode()
        self.assertEqual(ver.count("ok  "), 2, ver)
        # provisioning keys, attestation
        rk = v.ok("pubkey").stdout.decode().strip()
        self.assertTrue(rk.startswith("pqce1mlkem7681"), rk)
        ak = v.ok("pubkey", "--attestation").stdout.decode().strip()
        self.assertTrue(ak.startswith("pqce1mldsa651"), ak)
        with open(self.path("device.attest.pub"), "w") as f:
            f.write(ak + "\n")
        nonce = "00112233445566778899aabbccddeeff"
        att = v.ok("attest", "llama-3.2-1b-int4", "--nonce", nonce, "-o",
                   self.path("att.bin")).stdout.decode()
        self.assertIn("ML-DSA-65", att)
        good = v.ok("verify-attestation", self.path("att.bin"), "--key",
                    self.path("device.attest.pub"), "--nonce", nonce).stdout.decode()
        self.assertIn("valid: signed by the expected ML-DSA-65 key", good)
        self.assertIn(hashlib.sha3_256(model).hexdigest(), good)
        # audit and policy
        audit = v.ok("audit", "-n", "20").stdout.decode()
        for op in ("unlock", "attest", "get", "lock"):
            self.assertIn(op, audit)
        self.assertIn("audit log verifies", v.ok("audit", "verify").stdout.decode())
        lines = v.ok("audit", "export").stdout.decode().splitlines()
        self.assertGreater(len(lines), 10)
        self.assertEqual(json.loads(lines[0])["seq"], 0)
        v.ok("policy", "set", "credential", "--allow", "com.example.chatapp",
             "--max-uses-per-hour", "5")
        self.assertIn("com.example.chatapp", v.ok("policy").stdout.decode())
        self.assertEqual(v.ok("get", "api-key", "--caller", "com.example.chatapp").stdout,
                         b"sk-test-1")
        v.ok("policy", "rm", "credential")
        self.assertIn("no rules", v.ok("policy", "show").stdout.decode())
        # remove, list again
        v.ok("rm", "api-key")
        self.assertNotIn("api-key", v.ok("ls").stdout.decode())
        # a new version replaces; --no-replace refuses
        random_file(self.path("model2.bin"), 1000, seed=2)
        v.ok("put", self.path("model2.bin"), "--name", "llama-3.2-1b-int4")
        self.assertExit(v.run("put", self.path("model2.bin"), "--name", "llama-3.2-1b-int4",
                              "--no-replace"), GENERAL)
        self.assertEqual(len(v.json("ls")), 1)
        # tools that need no vault
        self.assertIn("all passed", v.ok("selftest").stdout.decode())
        self.assertIn("pqce 0.1.0", v.ok("version").stdout.decode())
        self.assertIn("ML-KEM-768 keygen", v.ok("bench", "--quick").stdout.decode())

    def test_help_for_every_command(self):
        top = self.v.ok("help").stdout.decode()
        self.assertIn("exit codes:", top)
        commands = re.findall(r"^  ([a-z-]+)\s{2,}", top, re.M)
        self.assertGreaterEqual(len(commands), 17, commands)
        for cmd in commands:
            if cmd in ("help", "version"):
                continue
            run = self.v.run(cmd, "--help", passphrase=False)
            self.assertExit(run, OK)
            text = run.stdout.decode()
            self.assertIn(f"usage: pqce {cmd}", text)
            self.assertIn("7  rollback", text)
        self.assertIn("usage: pqce seal", self.v.ok("help", "seal").stdout.decode())
        self.assertExit(self.v.run("help", "nope"), USAGE)

    def test_man_page_names_every_command_and_exit_code(self):
        page = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "pqce.1")
        text = read_text(page)
        top = self.v.ok("help").stdout.decode()
        for cmd in re.findall(r"^  ([a-z-]+)\s{2,}", top, re.M):
            self.assertIn(cmd.replace("-", r"\-"), text, f"{cmd} is not in docs/pqce.1")
        for code in range(9):
            self.assertRegex(text, rf"\.IP {code}\b")


class ExitCodeTest(CliTest):
    """Each documented exit code, provoked on purpose."""

    def setUp(self):
        super().setUp()
        self.v.init()
        self.data = random_file(self.path("m.bin"), 200000, seed=3)
        self.v.ok("put", self.path("m.bin"), "--name", "m", "--kind", "model-weights")

    def test_usage_errors_exit_2(self):
        v = self.v
        self.assertExit(v.run("put"), USAGE, "which file?")
        self.assertExit(v.run("ls", "--bogus"), USAGE, "unknown option '--bogus'")
        self.assertExit(v.run("get"), USAGE)
        self.assertExit(v.run("frobnicate", passphrase=False), USAGE, "unknown command")
        self.assertExit(v.run("put", self.path("m.bin"), "--kind", "weights"), USAGE,
                        "unknown kind")
        self.assertExit(v.run("attest", "m", "--nonce", "xyz"), USAGE)
        self.assertExit(v.run(passphrase=False), USAGE)
        env = dict(v.env)
        del env["PQCE_VAULT"]
        self.assertExit(v.run("ls", env=env), USAGE, "--vault DIR or set PQCE_VAULT")
        self.assertExit(v.run("ls", "--passphrase-env", "NO_SUCH_VARIABLE_PQCE",
                              passphrase=False), USAGE, "is not set")
        self.assertExit(v.run("ls", passphrase=False), USAGE, "no terminal")

    def test_not_found_exits_3(self):
        self.assertExit(self.v.run("get", "no-such-artifact"), NOT_FOUND, "PQCE_ERR_NOT_FOUND")
        self.assertExit(self.v.run("rm", "m", "no-such-artifact"), NOT_FOUND,
                        "nothing was removed")
        self.assertIn("m", self.v.ok("ls").stdout.decode())  # rm was all or nothing
        self.assertExit(self.v.run("ls", "--vault", self.path("nowhere")), NOT_FOUND, "no vault")

    def test_wrong_passphrase_exits_4(self):
        env = dict(self.v.env, PQCE_TEST_PASS="wrong passphrase")
        run = self.v.run("ls", env=env)
        self.assertExit(run, LOCKED, "wrong passphrase")
        self.assertNotIn("wrong passphrase", run.stdout.decode())

    def test_tampered_object_exits_5(self):
        objects = os.path.join(self.v.dir, "objects")
        files = [os.path.join(d, f) for d, _, fs in os.walk(objects) for f in fs
                 if not f.startswith(".")]
        self.assertEqual(len(files), 1)
        tamper(files[0])
        run = self.v.run("get", "m", "-o", self.path("out.bin"))
        self.assertExit(run, INTEGRITY)
        self.assertFalse(os.path.exists(self.path("out.bin")), "no unverified output")
        self.assertEqual([f for f in os.listdir(self.tmp) if "pqce-tmp" in f], [])
        run = self.v.run("get", "m")
        self.assertExit(run, INTEGRITY)
        self.assertEqual(run.stdout, b"", "nothing reaches stdout before verification")
        self.assertExit(self.v.run("verify"), INTEGRITY)
        self.assertExit(self.v.run("verify", "m", "--no-progress"), INTEGRITY)

    def test_invalid_attestation_exits_5(self):
        v = self.v
        v.ok("pubkey", "--attestation", "-o", self.path("att.pub"))
        v.ok("attest", "m", "-o", self.path("att.bin"))
        tamper(self.path("att.bin"), 10)
        self.assertExit(v.run("verify-attestation", self.path("att.bin"), "--key",
                              self.path("att.pub")), INTEGRITY, "INVALID")
        other = Vault(self.tmp, "other")
        other.init()
        other.ok("pubkey", "--attestation", "-o", self.path("other.pub"))
        v.ok("attest", "m", "-o", self.path("att2.bin"))
        self.assertExit(v.run("verify-attestation", self.path("att2.bin"), "--key",
                              self.path("other.pub")), INTEGRITY, "PQCE_ERR_ATTESTATION")

    def test_policy_denial_exits_6(self):
        v = self.v
        v.ok("put", "-", "--name", "key", "--kind", "credential", input_bytes=b"secret")
        v.ok("policy", "set", "credential", "--allow", "com.example.chatapp")
        self.assertExit(v.run("get", "key", "--caller", "com.example.other"), POLICY,
                        "not allowed")
        self.assertExit(v.run("get", "key"), POLICY)
        v.ok("get", "key", "--caller", "com.example.chatapp")
        audit = v.json("audit", "--operation", "policy_violation")
        self.assertEqual(len(audit), 2)
        v.ok("policy", "set", "credential", "--require-biometric")
        self.assertExit(v.run("get", "key", "--caller", "x"), POLICY, "user presence")

    def test_rolled_back_vault_exits_7(self):
        v = self.v
        backup = self.path("backup")
        shutil.copytree(v.dir, backup)
        v.ok("rm", "m")  # a later state (e.g. a revoked credential removed)
        shutil.rmtree(v.dir)
        shutil.copytree(backup, v.dir)  # the attacker restores the older copy
        self.assertExit(v.run("ls"), ROLLBACK, "an older state was restored")
        self.assertExit(v.run("get", "m"), ROLLBACK)

    def test_missing_counter_file_exits_7_until_new_counter(self):
        v = self.v
        os.unlink(v.counter_file())
        self.assertExit(v.run("ls"), ROLLBACK, "--new-counter")
        v.ok("ls", "--new-counter")
        self.assertTrue(os.path.exists(v.counter_file()))
        v.ok("ls")

    def test_configuration_without_counter_exits_7(self):
        conf = os.path.join(self.v.dir, "pqce-cli.conf")
        text = read_text(conf)
        with open(conf, "w") as f:
            f.write("".join(l for l in text.splitlines(True)
                            if not l.startswith("counter_file")))
        self.assertExit(self.v.run("ls"), ROLLBACK, "names no rollback counter")

    def test_io_errors_exit_8(self):
        v = self.v
        self.assertExit(v.run("put", self.path("does-not-exist.bin")), IO, "No such file")
        self.assertExit(v.run("get", "m", "-o", self.path("no/such/dir/out.bin")), IO)
        self.assertExit(v.run("seal", "--to", self.path("no-key.pub"), "-o",
                              self.path("x.sealed"), self.path("m.bin")), IO)
        self.assertExit(v.run("ls", "--passphrase-file", self.path("no-pass"),
                              passphrase=False), IO)

    def test_general_failures_exit_1(self):
        v = self.v
        self.assertExit(v.run("init"), GENERAL, "already holds a vault")
        built = {b["name"]: b["compiled_in"] for b in v.json("backends")}
        # a TPM that is not there, a PKCS#11 module that does not exist (or,
        # in a build without them, the backend itself): exit 1, nothing left
        for backend, opts, want in (
                ("tpm2", ["--tcti", "swtpm:path=" + self.path("no-tpm.sock")],
                 "tpm2: the TCTI 'swtpm:path="),
                ("pkcs11", ["--module", self.path("no-module.so"), "--token", "t",
                            "--no-login"], "pkcs11: cannot load the module")):
            run = Vault(self.tmp, backend).run("init", "--backend", backend, *opts,
                                               passphrase=False)
            self.assertExit(run, GENERAL, want if built[backend] else
                            f"this build of pqce has no {backend} backend")
            self.assertNotIn(f"{backend}: {backend}:", run.stderr)
            self.assertFalse(os.path.exists(os.path.join(self.tmp, backend)))
        for backend, detail in (("ios", "Apple Secure Enclave"), ("android", "Android StrongBox"),
                                ("qsee", "Qualcomm QSEE")):
            w = Vault(self.tmp, backend)
            run = w.run("init", "--backend", backend)
            self.assertExit(run, GENERAL, "PQCE_ERR_BACKEND")
            self.assertIn(f"this build does not include the {detail} bridge", run.stderr)
            self.assertFalse(os.path.exists(w.dir), "a failed init leaves nothing behind")


class ProvisioningTest(CliTest):
    """The model vendor seals for two devices; each imports."""

    def test_seal_to_two_devices_then_import_on_each(self):
        a, b, c = Vault(self.tmp, "device-a"), Vault(self.tmp, "device-b"), Vault(self.tmp, "c")
        for dev in (a, b, c):
            dev.init()
        a.ok("pubkey", "-o", self.path("a.pub"))
        key_b = b.ok("pubkey").stdout.decode().strip()
        model = random_file(self.path("weights.bin"), 2 * 1024 * 1024 + 5, seed=4)
        # the vendor: no vault, two recipients (a file and the text itself)
        sealed = self.path("weights.pqce")
        out = a.json("seal", "--to", self.path("a.pub"), "--to", key_b, "-o", sealed,
                     "--name", "vendor-model", "--kind", "lora-adapter", "--version", "2.0",
                     self.path("weights.bin"), passphrase=False)
        self.assertEqual(out["recipients"], 2)
        self.assertEqual(out["sha3_256"], hashlib.sha3_256(model).hexdigest())
        info = json.loads(a.ok("inspect", sealed, "--json", passphrase=False).stdout)
        self.assertEqual(info["stanza_count"], 2)
        self.assertEqual(info["content_size"], len(model))
        self.assertEqual(info["suite_name"], "ML-KEM-768")
        for dev in (a, b):
            imp = dev.json("import", sealed)
            self.assertEqual(imp["name"], "vendor-model")
            self.assertEqual(imp["id"], out["artifact_id"])  # the same container
            self.assertEqual(dev.ok("get", "vendor-model").stdout, model)
            self.assertEqual(dev.json("ls")[0]["kind"], "lora-adapter")
        # a device it was not sealed to cannot import it
        self.assertExit(c.run("import", sealed), INTEGRITY, "PQCE_ERR_DECRYPT")
        # a damaged sealed file is refused whole
        shutil.copy(sealed, self.path("damaged.pqce"))
        tamper(self.path("damaged.pqce"), 5000)
        self.assertExit(b.run("import", self.path("damaged.pqce"), "--no-replace"), INTEGRITY)

    def test_key_text_checksum_and_type_are_checked(self):
        a = self.v
        a.init()
        key = a.ok("pubkey").stdout.decode().strip()
        src = self.path("in.bin")
        random_file(src, 100)
        # one changed character: the checksum catches it
        i = len(key) // 2
        bad = key[:i] + ("q" if key[i] != "q" else "p") + key[i + 1:]
        run = a.run("seal", "--to", bad, "-o", self.path("x"), src, passphrase=False)
        self.assertExit(run, USAGE, "checksum does not match")
        self.assertFalse(os.path.exists(self.path("x")))
        self.assertExit(a.run("seal", "--to", key[:-10], "-o", self.path("x"), src,
                              passphrase=False), USAGE)
        self.assertExit(a.run("seal", "--to", key.upper(), "-o", self.path("x"), src,
                              passphrase=False), OK)
        mixed = key[:20] + key[20:].upper()
        self.assertExit(a.run("seal", "--to", mixed, "-o", self.path("y"), src,
                              passphrase=False), USAGE, "mixed")
        att = a.ok("pubkey", "--attestation").stdout.decode().strip()
        self.assertExit(a.run("seal", "--to", att, "-o", self.path("y"), src,
                              passphrase=False), USAGE, "attestation key")

    def test_other_suites_and_key_file_vault(self):
        x = Vault(self.tmp, "xwing")
        keyfile = self.path("vault.key")
        with open(keyfile, "wb") as f:
            f.write(os.urandom(32))
        x.ok("init", "--suite", "xwing", "--attestation-alg", "87", "--key-file", keyfile,
             passphrase=False)
        key = x.ok("pubkey", passphrase=False).stdout.decode().strip()
        self.assertTrue(key.startswith("pqce1xwing1"))
        self.assertTrue(x.ok("pubkey", "--attestation", passphrase=False).stdout.decode()
                        .startswith("pqce1mldsa871"))
        random_file(self.path("in.bin"), 5000)
        x.ok("seal", "--to", key, "-o", self.path("in.pqce"), self.path("in.bin"),
             passphrase=False)
        x.ok("import", self.path("in.pqce"), passphrase=False)
        self.assertEqual(x.ok("get", "in.bin", passphrase=False).stdout,
                         read_bytes(self.path("in.bin")))
        # the wrong key file: locked
        with open(self.path("other.key"), "wb") as f:
            f.write(os.urandom(32))
        self.assertExit(x.run("ls", "--key-file", self.path("other.key"), passphrase=False),
                        LOCKED, "wrong key file")


class StdoutHashTest(CliTest):
    def test_get_to_stdout_matches_an_independent_sha3_256(self):
        v = self.v
        v.init()
        data = random_file(self.path("big.bin"), 24 * 1024 * 1024 + 3, seed=5)
        put = v.json("put", self.path("big.bin"), "--name", "big")
        expected = hashlib.sha3_256(data).hexdigest()
        self.assertEqual(put["sha3_256"], expected)
        # get to a pipe, hashed as it streams by Python's own SHA3-256
        proc = subprocess.Popen([PQCE, "get", "big", "--passphrase-env", "PQCE_TEST_PASS"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=v.env,
                                start_new_session=True)
        h, n = hashlib.sha3_256(), 0
        while True:
            block = proc.stdout.read(1 << 16)
            if not block:
                break
            h.update(block)
            n += len(block)
        proc.wait(timeout=300)
        err = proc.stderr.read()
        proc.stdout.close()
        proc.stderr.close()
        self.assertEqual(proc.returncode, 0, err)
        self.assertEqual(err, b"", "no progress output when stderr is a pipe")
        self.assertEqual(n, len(data))
        self.assertEqual(h.hexdigest(), expected)


class JsonTest(CliTest):
    def test_json_output_parses(self):
        v = self.v
        init = json.loads(v.ok("init", "--json").stdout)
        self.assertEqual(init["suite"], "ML-KEM-768")
        self.assertTrue(init["counter_file"].endswith(".counter"))
        random_file(self.path("a.bin"), 5000)
        put = v.json("put", self.path("a.bin"), "--name", 'quote"and\\slash', "--tag", "t\u00e9")
        self.assertEqual(put["name"], 'quote"and\\slash')
        ls = v.json("ls")
        self.assertEqual(ls[0]["tags"], ["t\u00e9"])
        self.assertEqual(ls[0]["size"], 5000)
        for key in ("id", "kind", "sha3_256", "version", "app_bundle_id", "created_ms",
                    "created", "device_id", "model_did", "description"):
            self.assertIn(key, ls[0])
        ins = v.json("inspect", 'quote"and\\slash')
        self.assertEqual(ins["container"]["stanza_count"], 1)
        self.assertEqual(v.json("verify"), [{"name": 'quote"and\\slash', "ok": True,
                                             "size": 5000, "sha3_256": put["sha3_256"]}])
        pk = v.json("pubkey")
        self.assertTrue(pk["recipient"].startswith("pqce1mlkem768"))
        self.assertTrue(pk["key_id"].startswith("urn:pqc-enclave-key:"))
        att = v.json("attest", 'quote"and\\slash', "--nonce", "0a0b")
        self.assertEqual(att["nonce"], "0a0b")
        self.assertEqual(att["content_sha3_256"], put["sha3_256"])
        with open(self.path("att.json"), "w") as f:
            json.dump(att, f)
        with open(self.path("att.pub"), "w") as f:
            f.write(pk["attestation_key"])
        res = json.loads(v.ok("verify-attestation", self.path("att.json"), "--key",
                              self.path("att.pub"), "--nonce", "0a0b", "--json").stdout)
        self.assertTrue(res["valid"])
        self.assertTrue(res["nonce_checked"])
        audit = v.json("audit")
        self.assertTrue(all(set(e) >= {"seq", "timestamp", "operation", "success",
                                       "authenticated"} for e in audit))
        self.assertTrue(v.json("audit", "verify")["valid"])
        v.ok("policy", "set", "model-weights", "--allow", "a.b", "--allow", "c.d")
        self.assertEqual(v.json("policy"), [{"kind": "model-weights",
                                             "allowed_bundle_ids": ["a.b", "c.d"],
                                             "require_biometric": False,
                                             "max_uses_per_hour": 0}])
        export = v.ok("audit", "export").stdout.decode().splitlines()
        self.assertEqual([json.loads(l)["seq"] for l in export], list(range(len(export))))
        st = json.loads(v.ok("selftest", "--json").stdout)
        self.assertTrue(st["passed"])
        bench = json.loads(v.ok("bench", "--quick", "--json").stdout)
        self.assertEqual(len(bench["results"]), 8)
        sealed = self.path("s.pqce")
        seal = json.loads(v.ok("seal", "--to", pk["recipient"], "-o", sealed, "--json",
                               self.path("a.bin")).stdout)
        self.assertEqual(seal["recipients"], 1)
        self.assertFalse(json.loads(v.ok("inspect", sealed, "--json").stdout)["authenticated"])
        self.assertEqual(v.json("import", sealed)["name"], "a.bin")


def run_on_terminal(argv, env, timeout=300):
    """Runs argv with stderr on a pseudo-terminal (stdout a pipe); returns
    (exit code, what reached the terminal, stdout)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave,
                            env=env, start_new_session=True)
    os.close(slave)
    chunks = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        r, _, _ = select.select([master], [], [], 0.1)
        if r:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            # drain what is left
            while select.select([master], [], [], 0.05)[0]:
                try:
                    data = os.read(master, 65536)
                except OSError:
                    break
                if not data:
                    break
                chunks.append(data)
            break
    out = proc.stdout.read()
    proc.stdout.close()
    proc.wait(timeout=timeout)
    os.close(master)
    return proc.returncode, b"".join(chunks).decode("utf-8", "replace"), out


class ProgressTest(CliTest):
    def test_progress_appears_only_on_a_terminal(self):
        v = self.v
        v.init()
        data = random_file(self.path("m.bin"), 8 * 1024 * 1024, seed=6)
        pk = v.ok("pubkey").stdout.decode().strip()
        pass_opt = ["--passphrase-env", "PQCE_TEST_PASS"]
        for i in range(3):  # one sealed file per import: a container is imported once
            v.ok("seal", "--to", pk, "-o", self.path(f"m{i}.pqce"), "--name", f"m{i}",
                 self.path("m.bin"))
        cases = [
            lambda i: ["put", self.path("m.bin"), "--name", "m"] + pass_opt,
            lambda i: ["get", "m", "-o", self.path("back.bin")] + pass_opt,
            lambda i: ["verify", "m"] + pass_opt,
            lambda i: ["seal", "--to", pk, "-o", self.path("m.pqce"), self.path("m.bin")],
            lambda i: ["import", self.path(f"m{i}.pqce")] + pass_opt,
        ]
        for case in cases:
            argv = case(0)
            label = argv[0]
            code, term, _ = run_on_terminal([PQCE] + argv, v.env)
            self.assertEqual(code, 0, f"{label}: {term}")
            self.assertRegex(term, r"\r" + label + r" .*(/s)", f"{label}: no progress: {term!r}")
            if label != "import":
                self.assertIn("100%", term, label)
                self.assertRegex(term, r"\[#{20}\]", label)
            self.assertIn("done", term)
            self.assertNotIn(PASSPHRASE, term)
            # the same with stderr in a file: nothing at all
            with open(self.path("stderr.txt"), "w+b") as err:
                run = v.run(*case(1), passphrase=False, stderr=err)
                err.seek(0)
                text = err.read()
                self.assertEqual(run.returncode, 0, text)
                self.assertEqual(text, b"", f"{label} wrote to a non-terminal stderr")
            # and --no-progress on a terminal
            code, term, _ = run_on_terminal([PQCE] + case(2) + ["--no-progress"], v.env)
            self.assertEqual(code, 0, term)
            self.assertNotIn("/s", term, label)
        self.assertEqual(read_bytes(self.path("back.bin")), data)

    def test_progress_under_script(self):
        """The same through script(1) (bsdutils), as a user's terminal."""
        if shutil.which("script") is None:
            self.skipTest("script (bsdutils) is not installed")
        v = self.v
        v.init()
        random_file(self.path("m.bin"), 4 * 1024 * 1024, seed=7)
        cmd = f"{PQCE} put {self.path('m.bin')} --name m --passphrase-env PQCE_TEST_PASS"
        run = subprocess.run(["script", "-qec", cmd, "/dev/null"], capture_output=True,
                             env=v.env, timeout=300, stdin=subprocess.DEVNULL)
        self.assertEqual(run.returncode, 0, run.stdout)
        self.assertIn(b"100%", run.stdout)
        self.assertIn(b"stored m", run.stdout)


class PassphraseTest(CliTest):
    def test_prompt_on_the_terminal_never_echoes(self):
        v = self.v
        pid, fd = pty.fork()
        if pid == 0:  # the child: pqce init on a fresh controlling terminal
            env = dict(v.env)
            del env["PQCE_TEST_PASS"]
            os.execve(PQCE, [PQCE, "init"], env)
        out = b""
        answered = 0
        deadline = time.time() + 120
        while time.time() < deadline:
            r, _, _ = select.select([fd], [], [], 0.2)
            if r:
                try:
                    data = os.read(fd, 4096)
                except OSError:
                    break
                if not data:
                    break
                out += data
                prompts = out.count(b"passphrase: ")
                while answered < prompts:
                    os.write(fd, PASSPHRASE.encode() + b"\n")
                    answered += 1
        else:
            os.kill(pid, 9)
        _, status = os.waitpid(pid, 0)
        os.close(fd)
        self.assertEqual(os.waitstatus_to_exitcode(status), 0, out)
        self.assertIn(b"New vault passphrase: ", out)
        self.assertIn(b"Repeat the passphrase: ", out)
        self.assertNotIn(PASSPHRASE.encode(), out, "the passphrase was echoed")
        v.ok("ls")  # the passphrase typed at the prompt opens the vault

    def test_passphrase_file_and_environment(self):
        v = self.v
        # a refused init leaves nothing behind: no directory, no counter file
        env = dict(v.env, EMPTY_PASS="")
        self.assertExit(v.run("init", "--passphrase-env", "EMPTY_PASS", env=env,
                              passphrase=False), USAGE, "empty")
        self.assertFalse(os.path.exists(v.dir))
        counters = os.path.join(v.state, "pqce")
        self.assertEqual(os.listdir(counters) if os.path.isdir(counters) else [], [])
        with open(self.path("pass"), "w") as f:
            f.write(PASSPHRASE + "\n")  # one trailing newline is not part of it
        v.ok("init", "--passphrase-file", self.path("pass"), passphrase=False)
        v.ok("ls", "--passphrase-file", self.path("pass"), passphrase=False)
        v.ok("ls")  # the same passphrase from the environment
        env = dict(v.env, OTHER_NAME=PASSPHRASE)
        v.ok("ls", "--passphrase-env", "OTHER_NAME", env=env, passphrase=False)
        open(self.path("empty"), "w").close()
        self.assertExit(v.run("ls", "--passphrase-file", self.path("empty"), passphrase=False),
                        USAGE, "empty")
        self.assertExit(v.run("ls", "--passphrase-file", self.path("pass"), "--passphrase-env",
                              "X", passphrase=False), USAGE, "not both")
        # nothing about the passphrase in the vault's files
        for d, _, files in os.walk(v.dir):
            for f in files:
                self.assertNotIn(PASSPHRASE.encode(), read_bytes(os.path.join(d, f)))


def main():
    global PQCE
    parser = argparse.ArgumentParser()
    parser.add_argument("--pqce", required=True, help="the pqce binary to test")
    args, rest = parser.parse_known_args()
    PQCE = os.path.abspath(args.pqce)
    unittest.main(argv=[sys.argv[0], "-v"] + rest)


if __name__ == "__main__":
    main()
