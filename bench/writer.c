/*
 * writer.c - the benchmarks' child: writes N bytes (default 256 MiB) to
 * stdout in 1 MiB writes, from memory, so that the reader is what is measured.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    static char buf[1 << 20];
    unsigned long long left = argc > 1 ? strtoull(argv[1], NULL, 0) : 256ull << 20;

    memset(buf, 'x', sizeof(buf));
    while (left > 0) {
        size_t n = left < sizeof(buf) ? (size_t)left : sizeof(buf);
        ssize_t w = write(1, buf, n);
        if (w <= 0)
            return 1;
        left -= (unsigned long long)w;
    }
    return 0;
}
