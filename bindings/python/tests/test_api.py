"""The binding against the header: every function it declares exists with
exactly the C types of include/exitstat.h, every exported function is bound,
every constant has the header's value, and every public name is documented.

abidiff (abi/check-abi.sh) guards what the compiler sees; this guards what
it cannot: ctypes declarations, and #define values, which leave no trace in
the library's debug information.
"""

import ctypes
import doctest
import inspect
import re
import unittest

import support

import exitstat
from exitstat import _errors, _lib

# C type text (as written in the header) -> the ctypes type it must be bound as
SCALARS = {
    "void": None,
    "int": ctypes.c_int,
    "int32_t": ctypes.c_int32,
    "int64_t": ctypes.c_int64,
    "uint32_t": ctypes.c_uint32,
    "size_t": ctypes.c_size_t,
    "intptr_t": _lib.c_intptr,
    "const char *": ctypes.c_char_p,
    "char *": _lib.CharP,
    "const void *": ctypes.c_void_p,
    "void *": ctypes.c_void_p,
    "exitstat_status *": _lib.StatusP,
    "const exitstat_status *": _lib.StatusP,
    "exitstat_usage *": ctypes.POINTER(_lib.UsageStruct),
    "exitstat_cmd *": _lib.CmdP,
    "const exitstat_cmd *": _lib.CmdP,
    "exitstat_cmd **": ctypes.POINTER(_lib.CmdP),
    "exitstat_child *": _lib.ChildP,
    "const exitstat_child *": _lib.ChildP,
    "exitstat_child **": ctypes.POINTER(_lib.ChildP),
    "exitstat_child *const *": ctypes.POINTER(_lib.ChildP),
    "exitstat_codemap *": _lib.CodeMapP,
    "const exitstat_codemap *": _lib.CodeMapP,
    "exitstat_codemap **": ctypes.POINTER(_lib.CodeMapP),
    "const exitstat_codemap **": ctypes.POINTER(_lib.CodeMapP),
    "const char *const *": ctypes.POINTER(ctypes.c_char_p),
    "char **": ctypes.POINTER(_lib.CharP),
    "char ***": ctypes.POINTER(ctypes.POINTER(ctypes.c_char_p)),
    "size_t *": ctypes.POINTER(ctypes.c_size_t),
}


def header_text():
    with open(support.source_file("include", "exitstat.h")) as f:
        return f.read()


def declarations():
    """{name: (return type, [parameter types])} of every EXITSTAT_API function."""
    text = re.sub(r"/\*.*?\*/", " ", header_text(), flags=re.S)
    found = {}
    for m in re.finditer(r"EXITSTAT_API\s+(?:EXITSTAT_NORETURN\s+)?([^;(]*?)\b(exitstat_\w+)"
                         r"\s*\(([^)]*)\)\s*;", text):
        ret, name, params = m.group(1), m.group(2), m.group(3)
        types = []
        for p in params.split(","):
            p = " ".join(p.split())
            if p == "void":
                continue
            # drop the parameter name: the last identifier
            p = re.sub(r"\s*\b\w+$", "", p)
            p = re.sub(r"\s*\*", " *", p).replace("* *", "**").replace("* *", "**")
            types.append(p.strip())
        found[name] = (" ".join(ret.split()).replace(" *", " *"), types)
    return found


def norm(ctype):
    return re.sub(r"\s*\*", " *", ctype).replace("* *", "**").replace("* *", "**").strip()


def defines(prefix):
    """{NAME: int} of the header's #define PREFIX... numeric constants."""
    out = {}
    for m in re.finditer(r"#define\s+(%s\w*)\s+\(?(-?(?:0x[0-9A-Fa-f]+|\d+))u?\)?" % prefix,
                         header_text()):
        out[m.group(1)] = int(m.group(2), 0)
    return out


def enum_values(prefix):
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r"\b(%s\w*)\s*=\s*(\d+)" % prefix, header_text())}


class Functions(unittest.TestCase):
    def test_parser_sees_the_header(self):
        decl = declarations()
        self.assertGreater(len(decl), 40)
        self.assertEqual(decl["exitstat_wait"],
                         ("int", ["exitstat_child *", "int64_t", "exitstat_status *"]))
        self.assertEqual(decl["exitstat_exit_like"], ("void", ["const exitstat_status *"]))

    def test_every_function_is_bound(self):
        missing = sorted(set(declarations()) - set(_lib.PROTOTYPES))
        self.assertEqual(missing, [], "declared in exitstat.h but not in the binding's "
                                      "PROTOTYPES (bindings/python/exitstat/_lib.py)")

    def test_every_bound_function_is_declared_and_exported(self):
        decl = declarations()
        with open(support.source_file("lib", "libexitstat.sym")) as f:
            exported = set(re.findall(r"^\s*(exitstat_\w+);", f.read(), flags=re.M))
        for name in _lib.PROTOTYPES:
            self.assertIn(name, decl)
            self.assertIn(name, exported)

    def test_types_match_the_header(self):
        decl = declarations()
        for name, (restype, argtypes) in _lib.PROTOTYPES.items():
            ret, params = decl[name]
            self.assertIn(norm(ret), SCALARS, "%s returns %r" % (name, ret))
            want_ret = SCALARS[norm(ret)]
            self.assertIs(restype, want_ret, "%s: return type %s" % (name, ret))
            self.assertEqual(len(argtypes), len(params), name)
            for i, (got, want) in enumerate(zip(argtypes, params)):
                self.assertIn(norm(want), SCALARS, "%s parameter %d: %r" % (name, i, want))
                self.assertIs(got, SCALARS[norm(want)],
                              "%s parameter %d is %s" % (name, i, want))

    def test_declared_on_the_loaded_library(self):
        lib = exitstat.library()
        for name, (restype, argtypes) in _lib.PROTOTYPES.items():
            fn = getattr(lib, name[len("exitstat_"):])
            self.assertIs(fn.restype, restype)
            self.assertEqual(fn.argtypes, argtypes)


class Constants(unittest.TestCase):
    def test_error_codes(self):
        codes = defines("EXITSTAT_E")
        codes["EXITSTAT_OK"] = defines("EXITSTAT_OK")["EXITSTAT_OK"]
        self.assertEqual(len(codes), 15)
        for name, value in codes.items():
            self.assertEqual(getattr(_errors, name[len("EXITSTAT_"):]), value, name)

    def test_modes_and_flags(self):
        modes = {n: v for n, v in defines("EXITSTAT_").items()
                 if n in ("EXITSTAT_INHERIT", "EXITSTAT_NULL", "EXITSTAT_PIPE",
                          "EXITSTAT_HANDLE", "EXITSTAT_MERGE")}
        self.assertEqual(len(modes), 5)
        for name, value in modes.items():
            self.assertEqual(exitstat.Stdio[name[len("EXITSTAT_"):]], value)
        self.assertEqual({f.name: f.value for f in exitstat.CommandFlag},
                         {n[len("EXITSTAT_"):]: v for n, v in defines("EXITSTAT_").items()
                          if n in ("EXITSTAT_NEW_GROUP", "EXITSTAT_KILL_ON_FREE")})
        self.assertEqual({f.name: f.value for f in exitstat.StatusFlag},
                         {n[len("EXITSTAT_F_"):]: v for n, v in defines("EXITSTAT_F_").items()})

    def test_enums(self):
        self.assertEqual({k.name: k.value for k in exitstat.Kind},
                         {n[len("EXITSTAT_"):]: v for n, v in enum_values("EXITSTAT_").items()
                          if n in ("EXITSTAT_UNKNOWN", "EXITSTAT_EXITED", "EXITSTAT_SIGNALED",
                                   "EXITSTAT_STOPPED", "EXITSTAT_CONTINUED")})
        self.assertEqual({s.name: s.value for s in exitstat.Severity},
                         {n[len("EXITSTAT_SEV_"):]: v
                          for n, v in enum_values("EXITSTAT_SEV_").items()})

    def test_struct_sizes(self):
        self.assertEqual(ctypes.sizeof(_lib.StatusStruct), 32)
        self.assertEqual(_lib.StatusStruct.code.offset, 8)
        self.assertEqual(_lib.StatusStruct.raw.offset, 20)
        self.assertEqual(ctypes.sizeof(_lib.UsageStruct), 64)


class Documentation(unittest.TestCase):
    def test_every_public_name_has_a_docstring(self):
        undocumented = []
        for name in exitstat.__all__:
            obj = getattr(exitstat, name)
            if isinstance(obj, (int, str)):
                continue  # constants: enum members, documented by their enum
            if not inspect.getdoc(obj):
                undocumented.append(name)
            if inspect.isclass(obj):
                for attr, value in vars(obj).items():
                    if attr.startswith("_") or not (callable(value) or
                                                    isinstance(value, (property, classmethod))):
                        continue
                    if isinstance(obj, type) and issubclass(obj, BaseException):
                        continue
                    if not inspect.getdoc(getattr(obj, attr)):
                        undocumented.append("%s.%s" % (name, attr))
        self.assertEqual(undocumented, [])

    def test_package_docstring_example(self):
        result = doctest.testmod(exitstat)
        self.assertGreater(result.attempted, 0)
        self.assertEqual(result.failed, 0)

    def test_all_is_complete(self):
        public = {n for n in dir(exitstat) if not n.startswith("_")}
        self.assertEqual(public - set(exitstat.__all__), set())


if __name__ == "__main__":
    unittest.main()
