/*
 * codemap.c - code maps: what an exit code means to one program or convention.
 *
 * A map is a list of entries (one code, a range, "N or more", a set of bits,
 * "any other code", "any signal"), each with a severity and a label, searched
 * by the matching rules of the header. Two kinds of map share one type:
 *
 *   built-ins   static const data, found by name; never allocated, so freeing
 *               one is a no-op. Most are plain tables. The conventions a table
 *               cannot say (Windows reads severity from the top bits of a
 *               32-bit code, OpenVMS from the low three, the shell folds signals
 *               into 128+N) have their own classify function instead.
 *   parsed      exitstat_codemap_parse's result: one malloc'ed block holding
 *               the map, its entries and a copy of the spec text that the
 *               labels are cut out of in place. One block means one free() and
 *               nothing to unwind when the allocation fails.
 *
 * Rules kept here:
 *   - Portable: no platform code. Windows values are plain numbers and the
 *     NTSTATUS names come from ntstatus.c, the exception list from status.c.
 *   - Classifying neither allocates nor formats with stdio: labels are copied
 *     into the caller's buffer piece by piece, truncated like snprintf.
 *   - Codes are compared as 32-bit unsigned values. An exit code outside
 *     0..0xFFFFFFFF (only hand-made or shell statuses have one) matches no
 *     numeric entry.
 *   - The parser never reads past the spec's NUL, never past its limits, and
 *     rejects anything the grammar does not say, with EXITSTAT_EINVAL.
 *
 * SPDX-License-Identifier: MIT
 */
#include "internal.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Limits on a spec: far above any real map, low enough that a hostile or
 * runaway spec costs little (the largest parsed map is about 90 KiB). */
#define SPEC_MAX_BYTES   65536
#define SPEC_MAX_ENTRIES 1024

enum match {
    MATCH_RANGE, /* lo..hi inclusive: N (lo == hi), N-M, N+ (hi = UINT32_MAX) */
    MATCH_MASK,  /* any of the bits of lo set */
    MATCH_ANY,   /* any other exit code */
    MATCH_SIGNAL /* any SIGNALED status */
};

struct codemap_entry {
    uint32_t lo, hi;
    unsigned char match;    /* enum match */
    unsigned char severity; /* exitstat_severity */
    const char *label;      /* never NULL; "" for none */
};

/* The label being written: the caller's buffer, filled like snprintf fills it. */
struct sink {
    char *buf;
    size_t size; /* bytes of buf, the NUL included; 0: write nothing */
    size_t len;  /* bytes written, the NUL excluded; < size when size > 0 */
};

struct exitstat_codemap {
    const char *name; /* a built-in's name; NULL for a parsed map, which is how
                         exitstat_codemap_free tells them apart */
    int (*classify)(const exitstat_codemap *map, const exitstat_status *st, struct sink *label);
    const struct codemap_entry *entries;
    size_t count;
};

/* A parsed map: the map, its entries, then the text of the spec. */
struct parsed_map {
    exitstat_codemap map;
    struct codemap_entry entry[];
};

/* ------------------------------------------------------------------------- */
/* Writing labels                                                            */
/* ------------------------------------------------------------------------- */

static void sink_init(struct sink *s, char *buf, size_t size)
{
    s->buf = buf;
    s->size = size;
    s->len = 0;
    if (size > 0)
        buf[0] = '\0';
}

static void sink_put(struct sink *s, const char *text, size_t n)
{
    size_t room;

    if (s->size == 0)
        return;
    room = s->size - 1 - s->len;
    if (n > room)
        n = room;
    memcpy(s->buf + s->len, text, n);
    s->len += n;
    s->buf[s->len] = '\0';
}

static void sink_puts(struct sink *s, const char *text)
{
    sink_put(s, text, strlen(text));
}

static void sink_put_int(struct sink *s, int64_t v)
{
    char digits[24];
    char *p = digits + sizeof(digits);
    /* the magnitude in unsigned arithmetic, so INT64_MIN cannot overflow */
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    sink_put(s, p, (size_t)(digits + sizeof(digits) - p));
}

/* "SIGKILL", or "signal 40" for a number this platform has no name for */
static void sink_put_signal(struct sink *s, int sig)
{
    const char *name = exitstat_signal_name(sig);

    if (name) {
        sink_puts(s, name);
    } else {
        sink_puts(s, "signal ");
        sink_put_int(s, sig);
    }
}

/* ------------------------------------------------------------------------- */
/* Matching                                                                  */
/* ------------------------------------------------------------------------- */

/* The exit code as the 32-bit value entries are compared with, or -1 when it
 * has none (negative, or wider than 32 bits). */
static int64_t code32(const exitstat_status *st)
{
    return (st->code >= 0 && st->code <= (int64_t)UINT32_MAX) ? st->code : -1;
}

static int emit(struct sink *label, const struct codemap_entry *e)
{
    sink_puts(label, e->label);
    return e->severity;
}

/* The matching rules of the header, over map's entries. */
static int classify_table(const exitstat_codemap *map, const exitstat_status *st,
                          struct sink *label)
{
    const struct codemap_entry *e, *end = map->entries + map->count;
    const struct codemap_entry *any = NULL;
    int64_t c = code32(st);
    uint32_t code = (uint32_t)c;
    int severity = -1, labelled = 0;

    if (st->kind == EXITSTAT_SIGNALED) {
        for (e = map->entries; e != end; e++)
            if (e->match == MATCH_SIGNAL)
                return emit(label, e);
        return EXITSTAT_SEV_FATAL;
    }

    /* Every matching bit set applies: fsck's 1|4 is "errors corrected" and
     * "errors left uncorrected", and the worse of the two. */
    for (e = map->entries; c >= 0 && e != end; e++) {
        if (e->match != MATCH_MASK || !(code & e->lo))
            continue;
        if (e->severity > severity)
            severity = e->severity;
        if (e->label[0]) {
            if (labelled)
                sink_puts(label, ", ");
            sink_puts(label, e->label);
            labelled = 1;
        }
    }
    if (severity >= 0)
        return severity;

    for (e = map->entries; e != end; e++) {
        if (e->match == MATCH_RANGE && c >= 0 && code >= e->lo && code <= e->hi)
            return emit(label, e);
        if (e->match == MATCH_ANY && !any)
            any = e;
    }
    if (any)
        return emit(label, any);
    return st->code == 0 ? EXITSTAT_SEV_SUCCESS : EXITSTAT_SEV_ERROR;
}

/* ------------------------------------------------------------------------- */
/* Built-in tables                                                           */
/* ------------------------------------------------------------------------- */

/* clang-format off */
#define CODE(n, sev, text) {(n), (n), MATCH_RANGE, EXITSTAT_SEV_##sev, (text)}
#define RANGE(lo, hi, sev, text) {(lo), (hi), MATCH_RANGE, EXITSTAT_SEV_##sev, (text)}
#define FROM(n, sev, text) {(n), UINT32_MAX, MATCH_RANGE, EXITSTAT_SEV_##sev, (text)}
#define BITS(mask, sev, text) {(mask), 0, MATCH_MASK, EXITSTAT_SEV_##sev, (text)}

/* The shell's own codes; classify_posix adds 128+N. */
static const struct codemap_entry posix_entries[] = {
    CODE(0, SUCCESS, "success"),
    CODE(1, ERROR, "general failure"),
    CODE(2, ERROR, "usage error"),
    CODE(126, ERROR, "not executable"),
    CODE(127, ERROR, "not found"),
};

/* <sysexits.h>, from BSD's sendmail; used well beyond mail */
static const struct codemap_entry sysexits_entries[] = {
    CODE(0, SUCCESS, "EX_OK: successful termination"),
    CODE(64, ERROR, "EX_USAGE: command line usage error"),
    CODE(65, ERROR, "EX_DATAERR: data format error"),
    CODE(66, ERROR, "EX_NOINPUT: cannot open input"),
    CODE(67, ERROR, "EX_NOUSER: addressee unknown"),
    CODE(68, ERROR, "EX_NOHOST: host name unknown"),
    CODE(69, ERROR, "EX_UNAVAILABLE: service unavailable"),
    CODE(70, ERROR, "EX_SOFTWARE: internal software error"),
    CODE(71, ERROR, "EX_OSERR: system error"),
    CODE(72, ERROR, "EX_OSFILE: critical OS file missing"),
    CODE(73, ERROR, "EX_CANTCREAT: cannot create output file"),
    CODE(74, ERROR, "EX_IOERR: input/output error"),
    CODE(75, ERROR, "EX_TEMPFAIL: temporary failure, retry later"),
    CODE(76, ERROR, "EX_PROTOCOL: remote error in protocol"),
    CODE(77, ERROR, "EX_NOPERM: permission denied"),
    CODE(78, ERROR, "EX_CONFIG: configuration error"),
};

/* AmigaDOS <dos/dos.h>: thresholds, as the shell's IF WARN / FAILAT read them;
 * 1..4 are below the first threshold, so the shell treats them as OK. */
static const struct codemap_entry amiga_entries[] = {
    CODE(0, SUCCESS, "RETURN_OK"),
    RANGE(1, 4, SUCCESS, "below RETURN_WARN"),
    RANGE(5, 9, WARNING, "RETURN_WARN"),
    RANGE(10, 19, ERROR, "RETURN_ERROR"),
    FROM(20, FATAL, "RETURN_FAIL"),
};

/* fsck(8) of util-linux and e2fsprogs: bit flags */
static const struct codemap_entry fsck_entries[] = {
    CODE(0, SUCCESS, "no errors"),
    BITS(1, INFO, "errors corrected"),
    BITS(2, WARNING, "reboot needed"),
    BITS(4, ERROR, "errors left uncorrected"),
    BITS(8, ERROR, "operational error"),
    BITS(16, ERROR, "usage or syntax error"),
    BITS(32, WARNING, "cancelled by user"),
    BITS(128, ERROR, "shared-library error"),
};

/* robocopy: bit flags; below 8 nothing failed */
static const struct codemap_entry robocopy_entries[] = {
    CODE(0, SUCCESS, "no files copied, no errors"),
    BITS(1, SUCCESS, "files copied"),
    BITS(2, INFO, "extra files found"),
    BITS(4, WARNING, "mismatched files found"),
    BITS(8, ERROR, "some files not copied"),
    BITS(16, FATAL, "serious error, no files copied"),
};

static const struct codemap_entry grep_entries[] = {
    CODE(0, SUCCESS, "match found"),
    CODE(1, INFO, "no match"),
    FROM(2, ERROR, "error"),
};

static const struct codemap_entry diff_entries[] = {
    CODE(0, SUCCESS, "no differences"),
    CODE(1, INFO, "differences found"),
    FROM(2, ERROR, "trouble"),
};

/* rsync(1), EXIT VALUES. A vanished source file and the --max-delete limit
 * leave a transfer that did what it could: warnings, not errors. */
static const struct codemap_entry rsync_entries[] = {
    CODE(0, SUCCESS, "success"),
    CODE(1, ERROR, "syntax or usage error"),
    CODE(2, ERROR, "protocol incompatibility"),
    CODE(3, ERROR, "error selecting input/output files"),
    CODE(4, ERROR, "requested action not supported"),
    CODE(5, ERROR, "error starting client-server protocol"),
    CODE(6, ERROR, "daemon cannot append to its log file"),
    CODE(10, ERROR, "socket I/O error"),
    CODE(11, ERROR, "file I/O error"),
    CODE(12, ERROR, "error in the rsync protocol data stream"),
    CODE(13, ERROR, "error with program diagnostics"),
    CODE(14, ERROR, "IPC error"),
    CODE(20, ERROR, "interrupted by SIGUSR1 or SIGINT"),
    CODE(21, ERROR, "waitpid() failed"),
    CODE(22, ERROR, "cannot allocate memory buffers"),
    CODE(23, ERROR, "partial transfer due to error"),
    CODE(24, WARNING, "partial transfer, source files vanished"),
    CODE(25, WARNING, "--max-delete limit stopped deletions"),
    CODE(30, ERROR, "timeout in data send/receive"),
    CODE(35, ERROR, "timeout waiting for daemon connection"),
};

/* curl(1), EXIT CODES: libcurl's CURLcode values. Numbers curl no longer
 * uses (20, 24, 29, 32, 40, 44, 46, 50, 51, 57, 62, 75, 76, 81) are left out. */
static const struct codemap_entry curl_entries[] = {
    CODE(0, SUCCESS, "CURLE_OK: success"),
    CODE(1, ERROR, "CURLE_UNSUPPORTED_PROTOCOL: unsupported protocol"),
    CODE(2, ERROR, "CURLE_FAILED_INIT: failed to initialize"),
    CODE(3, ERROR, "CURLE_URL_MALFORMAT: malformed URL"),
    CODE(4, ERROR, "CURLE_NOT_BUILT_IN: feature not built in"),
    CODE(5, ERROR, "CURLE_COULDNT_RESOLVE_PROXY: cannot resolve proxy"),
    CODE(6, ERROR, "CURLE_COULDNT_RESOLVE_HOST: cannot resolve host"),
    CODE(7, ERROR, "CURLE_COULDNT_CONNECT: cannot connect"),
    CODE(8, ERROR, "CURLE_WEIRD_SERVER_REPLY: unparsable server reply"),
    CODE(9, ERROR, "CURLE_REMOTE_ACCESS_DENIED: access denied by the server"),
    CODE(10, ERROR, "CURLE_FTP_ACCEPT_FAILED: FTP accept failed"),
    CODE(11, ERROR, "CURLE_FTP_WEIRD_PASS_REPLY: unparsable FTP PASS reply"),
    CODE(12, ERROR, "CURLE_FTP_ACCEPT_TIMEOUT: FTP accept timed out"),
    CODE(13, ERROR, "CURLE_FTP_WEIRD_PASV_REPLY: unparsable FTP PASV reply"),
    CODE(14, ERROR, "CURLE_FTP_WEIRD_227_FORMAT: unparsable FTP 227 reply"),
    CODE(15, ERROR, "CURLE_FTP_CANT_GET_HOST: cannot use the FTP 227 host"),
    CODE(16, ERROR, "CURLE_HTTP2: HTTP/2 framing error"),
    CODE(17, ERROR, "CURLE_FTP_COULDNT_SET_TYPE: cannot set FTP binary mode"),
    CODE(18, ERROR, "CURLE_PARTIAL_FILE: partial file"),
    CODE(19, ERROR, "CURLE_FTP_COULDNT_RETR_FILE: FTP RETR failed"),
    CODE(21, ERROR, "CURLE_QUOTE_ERROR: quote command failed"),
    CODE(22, ERROR, "CURLE_HTTP_RETURNED_ERROR: HTTP status 400 or more"),
    CODE(23, ERROR, "CURLE_WRITE_ERROR: write error"),
    CODE(25, ERROR, "CURLE_UPLOAD_FAILED: upload failed"),
    CODE(26, ERROR, "CURLE_READ_ERROR: read error"),
    CODE(27, ERROR, "CURLE_OUT_OF_MEMORY: out of memory"),
    CODE(28, ERROR, "CURLE_OPERATION_TIMEDOUT: timed out"),
    CODE(30, ERROR, "CURLE_FTP_PORT_FAILED: FTP PORT failed"),
    CODE(31, ERROR, "CURLE_FTP_COULDNT_USE_REST: FTP REST failed"),
    CODE(33, ERROR, "CURLE_RANGE_ERROR: range request failed"),
    CODE(34, ERROR, "CURLE_HTTP_POST_ERROR: HTTP POST error"),
    CODE(35, ERROR, "CURLE_SSL_CONNECT_ERROR: TLS handshake failed"),
    CODE(36, ERROR, "CURLE_BAD_DOWNLOAD_RESUME: cannot resume download"),
    CODE(37, ERROR, "CURLE_FILE_COULDNT_READ_FILE: cannot read file"),
    CODE(38, ERROR, "CURLE_LDAP_CANNOT_BIND: LDAP bind failed"),
    CODE(39, ERROR, "CURLE_LDAP_SEARCH_FAILED: LDAP search failed"),
    CODE(41, ERROR, "CURLE_FUNCTION_NOT_FOUND: LDAP function not found"),
    CODE(42, ERROR, "CURLE_ABORTED_BY_CALLBACK: aborted by callback"),
    CODE(43, ERROR, "CURLE_BAD_FUNCTION_ARGUMENT: internal error"),
    CODE(45, ERROR, "CURLE_INTERFACE_FAILED: cannot use the interface"),
    CODE(47, ERROR, "CURLE_TOO_MANY_REDIRECTS: too many redirects"),
    CODE(48, ERROR, "CURLE_UNKNOWN_OPTION: unknown option"),
    CODE(49, ERROR, "CURLE_SETOPT_OPTION_SYNTAX: malformed option"),
    CODE(52, ERROR, "CURLE_GOT_NOTHING: empty reply from server"),
    CODE(53, ERROR, "CURLE_SSL_ENGINE_NOTFOUND: crypto engine not found"),
    CODE(54, ERROR, "CURLE_SSL_ENGINE_SETFAILED: cannot set crypto engine"),
    CODE(55, ERROR, "CURLE_SEND_ERROR: failed sending data"),
    CODE(56, ERROR, "CURLE_RECV_ERROR: failed receiving data"),
    CODE(58, ERROR, "CURLE_SSL_CERTPROBLEM: local certificate problem"),
    CODE(59, ERROR, "CURLE_SSL_CIPHER: cannot use the cipher"),
    CODE(60, ERROR, "CURLE_PEER_FAILED_VERIFICATION: certificate not verified"),
    CODE(61, ERROR, "CURLE_BAD_CONTENT_ENCODING: unknown transfer encoding"),
    CODE(63, ERROR, "CURLE_FILESIZE_EXCEEDED: maximum file size exceeded"),
    CODE(64, ERROR, "CURLE_USE_SSL_FAILED: requested FTP TLS level failed"),
    CODE(65, ERROR, "CURLE_SEND_FAIL_REWIND: rewind for resend failed"),
    CODE(66, ERROR, "CURLE_SSL_ENGINE_INITFAILED: crypto engine init failed"),
    CODE(67, ERROR, "CURLE_LOGIN_DENIED: login denied"),
    CODE(68, ERROR, "CURLE_TFTP_NOTFOUND: TFTP file not found"),
    CODE(69, ERROR, "CURLE_TFTP_PERM: TFTP permission problem"),
    CODE(70, ERROR, "CURLE_REMOTE_DISK_FULL: server disk full"),
    CODE(71, ERROR, "CURLE_TFTP_ILLEGAL: illegal TFTP operation"),
    CODE(72, ERROR, "CURLE_TFTP_UNKNOWNID: unknown TFTP transfer ID"),
    CODE(73, ERROR, "CURLE_REMOTE_FILE_EXISTS: remote file exists"),
    CODE(74, ERROR, "CURLE_TFTP_NOSUCHUSER: no such TFTP user"),
    CODE(77, ERROR, "CURLE_SSL_CACERT_BADFILE: cannot read CA certificates"),
    CODE(78, ERROR, "CURLE_REMOTE_FILE_NOT_FOUND: remote file not found"),
    CODE(79, ERROR, "CURLE_SSH: SSH error"),
    CODE(80, ERROR, "CURLE_SSL_SHUTDOWN_FAILED: TLS shutdown failed"),
    CODE(82, ERROR, "CURLE_SSL_CRL_BADFILE: cannot load CRL file"),
    CODE(83, ERROR, "CURLE_SSL_ISSUER_ERROR: issuer check failed"),
    CODE(84, ERROR, "CURLE_FTP_PRET_FAILED: FTP PRET failed"),
    CODE(85, ERROR, "CURLE_RTSP_CSEQ_ERROR: RTSP CSeq mismatch"),
    CODE(86, ERROR, "CURLE_RTSP_SESSION_ERROR: RTSP session mismatch"),
    CODE(87, ERROR, "CURLE_FTP_BAD_FILE_LIST: unparsable FTP file list"),
    CODE(88, ERROR, "CURLE_CHUNK_FAILED: chunk callback error"),
    CODE(89, ERROR, "CURLE_NO_CONNECTION_AVAILABLE: no connection available"),
    CODE(90, ERROR, "CURLE_SSL_PINNEDPUBKEYNOTMATCH: pinned key mismatch"),
    CODE(91, ERROR, "CURLE_SSL_INVALIDCERTSTATUS: invalid certificate status"),
    CODE(92, ERROR, "CURLE_HTTP2_STREAM: HTTP/2 stream error"),
    CODE(93, ERROR, "CURLE_RECURSIVE_API_CALL: API call from a callback"),
    CODE(94, ERROR, "CURLE_AUTH_ERROR: authentication error"),
    CODE(95, ERROR, "CURLE_HTTP3: HTTP/3 error"),
    CODE(96, ERROR, "CURLE_QUIC_CONNECT_ERROR: QUIC connection error"),
    CODE(97, ERROR, "CURLE_PROXY: proxy handshake error"),
    CODE(98, ERROR, "CURLE_SSL_CLIENTCERT: client certificate required"),
    CODE(99, ERROR, "CURLE_UNRECOVERABLE_POLL: poll or select failed"),
    CODE(100, ERROR, "CURLE_TOO_LARGE: value or data too large"),
};
/* clang-format on */

/* ------------------------------------------------------------------------- */
/* Built-ins that a table cannot say                                         */
/* ------------------------------------------------------------------------- */

/* The shell reports a death by signal N as 128+N, and a shell's $? is what
 * most programs that run programs pass on. 129..192 is the range
 * exitstat_status_from_shell reads as signals (Linux numbers up to 64). */
static int classify_posix(const exitstat_codemap *map, const exitstat_status *st,
                          struct sink *label)
{
    if (st->kind == EXITSTAT_SIGNALED) {
        sink_puts(label, "killed by ");
        sink_put_signal(label, st->signal);
        return EXITSTAT_SEV_FATAL;
    }
    if (st->code >= 129 && st->code <= 192) {
        sink_puts(label, "killed by ");
        sink_put_signal(label, (int)st->code - 128);
        sink_puts(label, " (128+");
        sink_put_int(label, st->code - 128);
        sink_puts(label, ")");
        return EXITSTAT_SEV_FATAL;
    }
    return classify_table(map, st, label);
}

/* OpenVMS condition values: the low three bits are the severity (STS$V_SEVERITY).
 * Note that 0 is a warning there; the C library maps exit(0) to 1. */
static int classify_vms(const exitstat_codemap *map, const exitstat_status *st, struct sink *label)
{
    static const struct {
        unsigned char severity;
        const char *name;
    } levels[8] = {
        {EXITSTAT_SEV_WARNING, "STS$K_WARNING"},
        {EXITSTAT_SEV_SUCCESS, "STS$K_SUCCESS"},
        {EXITSTAT_SEV_ERROR, "STS$K_ERROR"},
        {EXITSTAT_SEV_INFO, "STS$K_INFO"},
        {EXITSTAT_SEV_FATAL, "STS$K_SEVERE"},
        /* reserved to the system: an error, since nothing says it is not */
        {EXITSTAT_SEV_ERROR, "reserved severity 5"},
        {EXITSTAT_SEV_ERROR, "reserved severity 6"},
        {EXITSTAT_SEV_ERROR, "reserved severity 7"},
    };
    int64_t c = code32(st);

    (void)map;
    if (st->kind == EXITSTAT_SIGNALED)
        return EXITSTAT_SEV_FATAL;
    if (c < 0)
        return EXITSTAT_SEV_ERROR;
    sink_puts(label, levels[c & 7].name);
    return levels[c & 7].severity;
}

/* Common Win32 error codes (winerror.h), the names programs exit with when
 * they return GetLastError(). Sorted by code: looked up with bsearch. */
struct win32_name {
    uint32_t code;
    const char *name;
};

static const struct win32_name win32_names[] = {
    {1, "ERROR_INVALID_FUNCTION"},
    {2, "ERROR_FILE_NOT_FOUND"},
    {3, "ERROR_PATH_NOT_FOUND"},
    {4, "ERROR_TOO_MANY_OPEN_FILES"},
    {5, "ERROR_ACCESS_DENIED"},
    {6, "ERROR_INVALID_HANDLE"},
    {8, "ERROR_NOT_ENOUGH_MEMORY"},
    {10, "ERROR_BAD_ENVIRONMENT"},
    {11, "ERROR_BAD_FORMAT"},
    {13, "ERROR_INVALID_DATA"},
    {14, "ERROR_OUTOFMEMORY"},
    {15, "ERROR_INVALID_DRIVE"},
    {18, "ERROR_NO_MORE_FILES"},
    {19, "ERROR_WRITE_PROTECT"},
    {21, "ERROR_NOT_READY"},
    {22, "ERROR_BAD_COMMAND"},
    {23, "ERROR_CRC"},
    {31, "ERROR_GEN_FAILURE"},
    {32, "ERROR_SHARING_VIOLATION"},
    {33, "ERROR_LOCK_VIOLATION"},
    {38, "ERROR_HANDLE_EOF"},
    {39, "ERROR_HANDLE_DISK_FULL"},
    {50, "ERROR_NOT_SUPPORTED"},
    {53, "ERROR_BAD_NETPATH"},
    {65, "ERROR_NETWORK_ACCESS_DENIED"},
    {67, "ERROR_BAD_NET_NAME"},
    {80, "ERROR_FILE_EXISTS"},
    {87, "ERROR_INVALID_PARAMETER"},
    {109, "ERROR_BROKEN_PIPE"},
    {110, "ERROR_OPEN_FAILED"},
    {111, "ERROR_BUFFER_OVERFLOW"},
    {112, "ERROR_DISK_FULL"},
    {120, "ERROR_CALL_NOT_IMPLEMENTED"},
    {122, "ERROR_INSUFFICIENT_BUFFER"},
    {123, "ERROR_INVALID_NAME"},
    {126, "ERROR_MOD_NOT_FOUND"},
    {127, "ERROR_PROC_NOT_FOUND"},
    {128, "ERROR_WAIT_NO_CHILDREN"},
    {145, "ERROR_DIR_NOT_EMPTY"},
    {160, "ERROR_BAD_ARGUMENTS"},
    {161, "ERROR_BAD_PATHNAME"},
    {170, "ERROR_BUSY"},
    {183, "ERROR_ALREADY_EXISTS"},
    {193, "ERROR_BAD_EXE_FORMAT"},
    {203, "ERROR_ENVVAR_NOT_FOUND"},
    {206, "ERROR_FILENAME_EXCED_RANGE"},
    {216, "ERROR_EXE_MACHINE_TYPE_MISMATCH"},
    {231, "ERROR_PIPE_BUSY"},
    {232, "ERROR_NO_DATA"},
    {233, "ERROR_PIPE_NOT_CONNECTED"},
    {234, "ERROR_MORE_DATA"},
    {267, "ERROR_DIRECTORY"},
    {299, "ERROR_PARTIAL_COPY"},
    {572, "ERROR_CONTROL_C_EXIT"},
    {740, "ERROR_ELEVATION_REQUIRED"},
    {995, "ERROR_OPERATION_ABORTED"},
    {998, "ERROR_NOACCESS"},
    {1001, "ERROR_STACK_OVERFLOW"},
    {1114, "ERROR_DLL_INIT_FAILED"},
    {1154, "ERROR_INVALID_DLL"},
    {1155, "ERROR_NO_ASSOCIATION"},
    {1157, "ERROR_DLL_NOT_FOUND"},
    {1168, "ERROR_NOT_FOUND"},
    {1223, "ERROR_CANCELLED"},
    {1314, "ERROR_PRIVILEGE_NOT_HELD"},
    {1326, "ERROR_LOGON_FAILURE"},
    {1455, "ERROR_COMMITMENT_LIMIT"},
    {1460, "ERROR_TIMEOUT"},
    {1602, "ERROR_INSTALL_USEREXIT"},
    {1603, "ERROR_INSTALL_FAILURE"},
    {1618, "ERROR_INSTALL_ALREADY_RUNNING"},
    {1641, "ERROR_SUCCESS_REBOOT_INITIATED"},
    {1816, "ERROR_NOT_ENOUGH_QUOTA"},
    {3010, "ERROR_SUCCESS_REBOOT_REQUIRED"},
};

/* COM's generic HRESULTs. Those of FACILITY_NULL look like NTSTATUS warnings
 * by their bits alone (facility 0), so they are known by name. */
/* clang-format off */
static const struct win32_name hresult_names[] = {
    {0x80004001u, "E_NOTIMPL"},      {0x80004002u, "E_NOINTERFACE"},
    {0x80004003u, "E_POINTER"},      {0x80004004u, "E_ABORT"},
    {0x80004005u, "E_FAIL"},         {0x8000FFFFu, "E_UNEXPECTED"},
    {0x80070005u, "E_ACCESSDENIED"}, {0x80070006u, "E_HANDLE"},
    {0x8007000Eu, "E_OUTOFMEMORY"},  {0x80070057u, "E_INVALIDARG"},
};
/* clang-format on */

static int win32_name_cmp(const void *key, const void *elem)
{
    uint32_t k = *(const uint32_t *)key;
    uint32_t e = ((const struct win32_name *)elem)->code;
    return (k > e) - (k < e);
}

static const char *win32_name(uint32_t code)
{
    const struct win32_name *e = bsearch(&code, win32_names, EXITSTAT__ARRAY_SIZE(win32_names),
                                         sizeof(win32_names[0]), win32_name_cmp);
    return e ? e->name : NULL;
}

static const char *hresult_name(uint32_t code)
{
    size_t i;

    for (i = 0; i < EXITSTAT__ARRAY_SIZE(hresult_names); i++)
        if (hresult_names[i].code == code)
            return hresult_names[i].name;
    return NULL;
}

static void sink_put_name(struct sink *s, const char *name)
{
    if (name)
        sink_puts(s, name);
}

#define FACILITY_WIN32 7u

/*
 * A Windows exit code, by the layout NTSTATUS and HRESULT share
 * ([MS-ERREF] 2.1, 2.3): the top two bits are the severity of an NTSTATUS
 * (00 success, 01 informational, 10 warning, 11 error), the top bit alone the
 * failure bit of an HRESULT. A program may end with either, or with a Win32
 * error code, which is small.
 */
static int classify_win32_code(uint32_t code, struct sink *label)
{
    exitstat_status st;
    const char *name;

    if (code == 0) {
        sink_puts(label, "ERROR_SUCCESS");
        return EXITSTAT_SEV_SUCCESS;
    }
    if (code == 259) {
        /* GetExitCodeProcess reports a running process as STILL_ACTIVE, so a
         * program that exits with 259 looks as if it had not ended. */
        sink_puts(label, "STATUS_PENDING (STILL_ACTIVE): easy to confuse with a running process");
        return EXITSTAT_SEV_ERROR;
    }
    if (code < 0x40000000u) {
        sink_put_name(label, win32_name(code));
        return EXITSTAT_SEV_ERROR;
    }
    if (code < 0x80000000u) {
        sink_put_name(label, exitstat_ntstatus_name(code));
        return EXITSTAT_SEV_INFO;
    }
    /* The exceptions the status mapping reads as deaths, STATUS_BREAKPOINT
     * among the warnings included: fatal, as a death by signal is. Asking
     * the decoder keeps one list of them. */
    exitstat_status_from_win32(code, &st);
    if (st.kind == EXITSTAT_SIGNALED) {
        sink_put_name(label, exitstat_ntstatus_name(code));
        return EXITSTAT_SEV_FATAL;
    }
    if (code >= 0xC0000000u) {
        sink_put_name(label, exitstat_ntstatus_name(code));
        return EXITSTAT_SEV_ERROR;
    }
    if ((name = hresult_name(code)) != NULL) {
        sink_puts(label, name);
        return EXITSTAT_SEV_ERROR;
    }
    if (((code >> 16) & 0xFFFu) == 0) {
        sink_put_name(label, exitstat_ntstatus_name(code));
        return EXITSTAT_SEV_WARNING;
    }
    /* a failure HRESULT; FACILITY_WIN32 wraps a Win32 error code */
    if (((code >> 16) & 0xFFFu) == FACILITY_WIN32 && (name = win32_name(code & 0xFFFFu))) {
        sink_puts(label, "HRESULT_FROM_WIN32(");
        sink_puts(label, name);
        sink_puts(label, ")");
    }
    return EXITSTAT_SEV_ERROR;
}

/* A signal is a death, fatal; a Windows exception status is labelled with
 * its NTSTATUS, which is what the process really ended with. */
static int classify_windows(const exitstat_codemap *map, const exitstat_status *st,
                            struct sink *label)
{
    int64_t c = code32(st);

    (void)map;
    if (st->kind == EXITSTAT_SIGNALED) {
        if ((st->flags & EXITSTAT_F_EXCEPTION) && c >= 0)
            sink_put_name(label, exitstat_ntstatus_name((uint32_t)c));
        return EXITSTAT_SEV_FATAL;
    }
    if (c < 0)
        return EXITSTAT_SEV_ERROR;
    return classify_win32_code((uint32_t)c, label);
}

/* ------------------------------------------------------------------------- */
/* Built-ins                                                                 */
/* ------------------------------------------------------------------------- */

/* clang-format off */
#define TABLE(name, fn, entries) {(name), (fn), (entries), EXITSTAT__ARRAY_SIZE(entries)}

static const exitstat_codemap builtins[] = {
    TABLE("amiga", classify_table, amiga_entries),
    TABLE("curl", classify_table, curl_entries),
    TABLE("diff", classify_table, diff_entries),
    TABLE("fsck", classify_table, fsck_entries),
    TABLE("grep", classify_table, grep_entries),
    TABLE("posix", classify_posix, posix_entries),
    TABLE("robocopy", classify_table, robocopy_entries),
    TABLE("rsync", classify_table, rsync_entries),
    TABLE("sysexits", classify_table, sysexits_entries),
    {"vms", classify_vms, NULL, 0},
    {"windows", classify_windows, NULL, 0},
};
/* clang-format on */

int exitstat_codemap_builtin(const char *name, const exitstat_codemap **out)
{
    size_t i;

    if (out)
        *out = NULL;
    if (!name || !out)
        return EXITSTAT_EINVAL;
    for (i = 0; i < EXITSTAT__ARRAY_SIZE(builtins); i++) {
        if (strcmp(builtins[i].name, name) == 0) {
            *out = &builtins[i];
            return 0;
        }
    }
    return EXITSTAT_EINVAL;
}

/* ------------------------------------------------------------------------- */
/* Parsing                                                                   */
/* ------------------------------------------------------------------------- */

/* Spaces, tabs and line ends, so that a spec can be written over several
 * lines of a file. Not isspace(): that depends on the locale. */
static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static char *skip_space(char *p)
{
    while (is_space(*p))
        p++;
    return p;
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* N: decimal (leading zeros allowed, never octal) or 0x-hex, up to 32 bits.
 * Returns the first character after it, or NULL. */
static char *parse_number(char *p, uint32_t *out)
{
    uint64_t v = 0;
    unsigned base = 10;
    int d, digits = 0;

    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    /* stop as soon as the value leaves 32 bits, so v cannot overflow however
     * many digits follow */
    for (; (d = digit_value(*p)) >= 0 && (unsigned)d < base; p++, digits++) {
        v = v * base + (unsigned)d;
        if (v > UINT32_MAX)
            return NULL;
    }
    if (!digits)
        return NULL;
    *out = (uint32_t)v;
    return p;
}

static int parse_severity(const char *word, size_t n)
{
    static const char *const names[] = {"success", "info", "warning", "error", "fatal"};
    size_t i;

    for (i = 0; i < EXITSTAT__ARRAY_SIZE(names); i++)
        if (strlen(names[i]) == n && memcmp(names[i], word, n) == 0)
            return (int)i; /* the names are in exitstat_severity order */
    return -1;
}

/*
 * One entry, MATCH=SEVERITY[:LABEL], from p up to end (its ';' or the NUL):
 * every token stops at ';' and NUL, so nothing here reads past end. The label
 * is cut out of the text in place: its trailing spaces, or the ';' itself,
 * become its NUL.
 */
static int parse_entry(char *p, char *end, struct codemap_entry *e)
{
    char *word, *label;
    int severity;

    e->lo = e->hi = 0;
    p = skip_space(p);
    if (*p == '*') {
        e->match = MATCH_ANY;
        p++;
    } else if (*p == '&') {
        e->match = MATCH_MASK;
        if (!(p = parse_number(p + 1, &e->lo)) || e->lo == 0)
            return -1;
    } else if (strncmp(p, "signal", 6) == 0) {
        e->match = MATCH_SIGNAL;
        p += 6;
    } else {
        e->match = MATCH_RANGE;
        if (!(p = parse_number(p, &e->lo)))
            return -1;
        e->hi = e->lo;
        if (*p == '-') {
            if (!(p = parse_number(p + 1, &e->hi)) || e->hi < e->lo)
                return -1;
        } else if (*p == '+') {
            e->hi = UINT32_MAX;
            p++;
        }
    }

    p = skip_space(p);
    if (*p != '=')
        return -1;
    p = word = skip_space(p + 1);
    while (*p >= 'a' && *p <= 'z')
        p++;
    if ((severity = parse_severity(word, (size_t)(p - word))) < 0)
        return -1;
    e->severity = (unsigned char)severity;

    p = skip_space(p);
    if (p == end) {
        e->label = "";
        return 0;
    }
    if (*p != ':')
        return -1;
    label = skip_space(p + 1);
    while (end > label && is_space(end[-1]))
        end--;
    *end = '\0';
    e->label = label;
    return 0;
}

static int is_blank(const char *p, const char *end)
{
    for (; p != end; p++)
        if (!is_space(*p))
            return 0;
    return 1;
}

int exitstat_codemap_parse(const char *spec, exitstat_codemap **out)
{
    struct parsed_map *pm;
    size_t len, semicolons = 0, n = 0;
    char *text, *p;

    if (out)
        *out = NULL;
    if (!spec || !out)
        return EXITSTAT_EINVAL;

    /* Measure without walking further than the limit into a runaway string. */
    for (len = 0; spec[len]; len++) {
        if (len == SPEC_MAX_BYTES)
            return EXITSTAT_EINVAL;
        semicolons += spec[len] == ';';
    }
    /* n entries need at least n-1 separators; past the limit, give up before
     * allocating for them */
    if (semicolons > SPEC_MAX_ENTRIES)
        return EXITSTAT_EINVAL;

    /* room for one entry more than there are separators, then the text */
    pm = exitstat__malloc(offsetof(struct parsed_map, entry) +
                          (semicolons + 1) * sizeof(struct codemap_entry) + len + 1);
    if (!pm)
        return EXITSTAT_ENOMEM;
    text = (char *)(pm->entry + semicolons + 1);
    memcpy(text, spec, len + 1);

    for (p = text;;) {
        char *end = p + strcspn(p, ";");
        int last = *end == '\0';

        if (is_blank(p, end)) {
            /* only what follows a final ';' may be empty */
            if (last && n > 0)
                break;
            goto invalid;
        }
        if (n == SPEC_MAX_ENTRIES || parse_entry(p, end, &pm->entry[n]) < 0)
            goto invalid;
        n++;
        if (last)
            break;
        p = end + 1;
    }

    pm->map.name = NULL;
    pm->map.classify = classify_table;
    pm->map.entries = pm->entry;
    pm->map.count = n;
    *out = &pm->map;
    return 0;

invalid:
    free(pm);
    return EXITSTAT_EINVAL;
}

void exitstat_codemap_free(exitstat_codemap *map)
{
    /* a parsed map is the first member of its block: map is the malloc'ed
     * pointer. Built-ins are static, and have a name. */
    if (map && !map->name)
        free(map);
}

/* ------------------------------------------------------------------------- */
/* Classifying                                                               */
/* ------------------------------------------------------------------------- */

int exitstat_classify(const exitstat_status *st, const exitstat_codemap *map, char *label,
                      size_t size)
{
    struct sink sink;

    if (!st || !map || (!label && size > 0))
        return EXITSTAT_EINVAL;
    /* a stopped or continued process has not ended, and an unknown status
     * says nothing a map could read */
    if (st->kind != EXITSTAT_EXITED && st->kind != EXITSTAT_SIGNALED)
        return EXITSTAT_EINVAL;
    sink_init(&sink, label, size);
    return map->classify(map, st, &sink);
}
