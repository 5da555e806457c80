"""CodeMap: built-in maps, parsed maps, classify and its labels, closing."""

import threading
import unittest

import support

from exitstat import CodeMap, InvalidArgumentError, Kind, Severity, Status


def exited(code):
    return Status(Kind.EXITED, code=code)


class Builtin(unittest.TestCase):
    def test_every_documented_map(self):
        for name in ("posix", "sysexits", "windows", "amiga", "vms", "fsck",
                     "robocopy", "grep", "diff", "rsync", "curl"):
            m = CodeMap.builtin(name)
            self.assertEqual(m.name, name)
            sev, label = m.classify(exited(0))
            self.assertIsInstance(sev, Severity)
            self.assertIsInstance(label, str)

    def test_grep(self):
        m = CodeMap.builtin("grep")
        self.assertEqual(m.classify(exited(0)), (Severity.SUCCESS, "match found"))
        self.assertEqual(m.classify(exited(1)), (Severity.INFO, "no match"))
        self.assertEqual(m.classify(exited(2))[0], Severity.ERROR)

    def test_posix_labels(self):
        m = CodeMap.builtin("posix")
        self.assertEqual(m.classify(exited(127)), (Severity.ERROR, "not found"))
        self.assertEqual(m.classify(Status(Kind.SIGNALED, signal=9)),
                         (Severity.FATAL, "killed by SIGKILL"))

    def test_robocopy_bits(self):
        m = CodeMap.builtin("robocopy")
        self.assertEqual(m.classify(exited(1)), (Severity.SUCCESS, "files copied"))
        self.assertEqual(m.classify(exited(3)),
                         (Severity.INFO, "files copied, extra files found"))

    def test_windows_exception(self):
        m = CodeMap.builtin("windows")
        self.assertEqual(m.classify(Status.from_win32(0xC0000005)),
                         (Severity.FATAL, "STATUS_ACCESS_VIOLATION"))

    def test_unknown_name(self):
        for name in ("nope", "POSIX", ""):
            with self.assertRaises(InvalidArgumentError):
                CodeMap.builtin(name)
        with self.assertRaises(ValueError):
            CodeMap.builtin("posix\0")
        with self.assertRaises(TypeError):
            CodeMap.builtin(3)

    def test_not_constructible(self):
        with self.assertRaises(TypeError):
            CodeMap()

    def test_close_is_harmless(self):
        m = CodeMap.builtin("grep")
        m.close()
        m.close()
        with self.assertRaises(ValueError):
            m.classify(exited(0))
        # the built-in map itself lives on
        self.assertEqual(CodeMap.builtin("grep").classify(exited(1))[0], Severity.INFO)


class Parse(unittest.TestCase):
    def test_example(self):
        with CodeMap.parse("0=success;1=info:no match;2+=error:trouble") as m:
            self.assertIsNone(m.name)
            self.assertEqual(m.classify(exited(0)), (Severity.SUCCESS, ""))
            self.assertEqual(m.classify(exited(1)), (Severity.INFO, "no match"))
            self.assertEqual(m.classify(exited(2)), (Severity.ERROR, "trouble"))
            self.assertEqual(m.classify(exited(0xFFFFFFFF)), (Severity.ERROR, "trouble"))
            # no signal entry: any signal is fatal, without a label
            self.assertEqual(m.classify(Status(Kind.SIGNALED, signal=15)),
                             (Severity.FATAL, ""))
        with self.assertRaises(ValueError):
            m.classify(exited(0))

    def test_signal_entry_and_default(self):
        m = CodeMap.parse("signal=warning:got a signal; *=info:other")
        self.assertEqual(m.classify(Status(Kind.SIGNALED, signal=2)),
                         (Severity.WARNING, "got a signal"))
        self.assertEqual(m.classify(exited(9)), (Severity.INFO, "other"))
        m.close()

    def test_bad_specs(self):
        for spec in ("", "0=bad", "0", "=error", "2-1=error", "&0=error", "0=error;;",
                     "0x100000000=error", "0 =error: x;1 2=info"):
            with self.assertRaises(InvalidArgumentError, msg=spec):
                CodeMap.parse(spec)
        with self.assertRaises(ValueError):
            CodeMap.parse("0=success\0;1=error")

    def test_bytes_and_unicode_labels(self):
        m = CodeMap.parse(b"1=info:caf\xc3\xa9")
        self.assertEqual(m.classify(exited(1)), (Severity.INFO, "caf\u00e9"))
        m = CodeMap.parse("1=warning:\u2603 snow")
        self.assertEqual(m.classify(exited(1)), (Severity.WARNING, "\u2603 snow"))

    def test_long_joined_labels_are_whole(self):
        # every matching &MASK entry's label, joined: far beyond 256 bytes
        labels = ["L%d-" % i + "x" * 3000 for i in range(8)]
        spec = ";".join("&0x%X=warning:%s" % (1 << i, labels[i]) for i in range(8))
        m = CodeMap.parse(spec)
        self.assertEqual(m.classify(exited(0xFF)), (Severity.WARNING, ", ".join(labels)))
        self.assertEqual(m.classify(exited(0x81)),
                         (Severity.WARNING, labels[0] + ", " + labels[7]))

    def test_classify_rejects_non_endings(self):
        m = CodeMap.builtin("posix")
        for st in (Status.from_wait(0xFFFF), Status.from_wait(0x137F), Status.from_wait(0x1FF)):
            with self.assertRaises(InvalidArgumentError):
                m.classify(st)
        with self.assertRaises(TypeError):
            m.classify(0)

    def test_status_classify(self):
        st = exited(1)
        self.assertEqual(st.classify("grep"), (Severity.INFO, "no match"))
        self.assertEqual(st.classify(CodeMap.parse("1=fatal:x")), (Severity.FATAL, "x"))
        with self.assertRaises(TypeError):
            st.classify(None)

    def test_close_while_in_use_elsewhere(self):
        m = CodeMap.parse("1=info")
        m._busy += 1  # as classify() does for the duration of its call
        try:
            with self.assertRaises(RuntimeError):
                m.close()
        finally:
            m._busy -= 1
        m.close()
        self.assertIn("closed", repr(m))

    def test_threads_share_a_map(self):
        m = CodeMap.parse("0=success;1-9=warning:small;10+=error:big")
        errors = []

        def work():
            try:
                for i in range(2000):
                    sev, label = m.classify(exited(i % 20))
                    want = (Severity.SUCCESS, "") if i % 20 == 0 else \
                        (Severity.WARNING, "small") if i % 20 < 10 else (Severity.ERROR, "big")
                    if (sev, label) != want:
                        errors.append((i, sev, label))
            except Exception as e:  # reported below
                errors.append(e)

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(support.LONG)
        self.assertEqual(errors, [])
        m.close()


if __name__ == "__main__":
    unittest.main()
