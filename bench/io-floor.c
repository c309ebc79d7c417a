/*
 * io-floor: the kernel's share of a scan, without fim. Reads every file of a NUL-separated list on N
 * threads the way fim's scan does (openat O_NOFOLLOW|O_NOATIME, fstat, read, fstat, close) and folds
 * every 8-byte word into a sum (a stand-in for a hash that touches every byte once). Prints the
 * process's user and sys CPU seconds. Built and run by bench/io-floor.sh; see bench/README.md.
 *
 *   io-floor MODE BUFFER THREADS LIST
 *     MODE: read      pread into a BUFFER-byte buffer, sum the words
 *           readonly  pread, no sum: open/stat/read/close and the kernel's copy alone
 *           mmap      files larger than BUFFER are mapped (MADV_SEQUENTIAL) and summed in place
 *           populate  the same with MAP_POPULATE
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

enum { READ, READONLY, MMAP, POPULATE };
static char **names;
static long count, next_name, buffer;
static int mode;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t fold(const char *p, long len) {
  uint64_t s = 0;
  for (long i = 0; i + 8 <= len; i += 8) {
    uint64_t v;
    memcpy(&v, p + i, 8);
    s += v * 0x9E3779B185EBCA87ULL;
  }
  return s;
}

static void *worker(void *unused) {
  (void)unused;
  char *b = aligned_alloc(4096, buffer);
  uint64_t s = 0;
  for (;;) {
    pthread_mutex_lock(&lock);
    long first = next_name;
    next_name += 64;
    pthread_mutex_unlock(&lock);
    if (first >= count) break;
    for (long j = first; j < first + 64 && j < count; j++) {
      int fd = open(names[j], O_RDONLY | O_NOFOLLOW | O_NOATIME | O_NONBLOCK);
      if (fd < 0) continue;
      struct stat st;
      fstat(fd, &st);
      if (mode == READ || mode == READONLY || st.st_size <= buffer) {
        for (long off = 0; off < st.st_size;) {
          long n = pread(fd, b, buffer, off);
          if (n <= 0) break;
          if (mode != READONLY) s += fold(b, n);
          off += n;
        }
      } else {
        char *m = mmap(NULL, st.st_size, PROT_READ, MAP_SHARED | (mode == POPULATE ? MAP_POPULATE : 0), fd, 0);
        if (m != MAP_FAILED) {
          madvise(m, st.st_size, MADV_SEQUENTIAL);
          s += fold(m, st.st_size);
          munmap(m, st.st_size);
        }
      }
      fstat(fd, &st);
      close(fd);
    }
  }
  free(b);
  return (void *)(uintptr_t)s;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s read|readonly|mmap|populate BUFFER THREADS LIST\n", argv[0]);
    return 2;
  }
  mode = !strcmp(argv[1], "read") ? READ : !strcmp(argv[1], "readonly") ? READONLY
       : !strcmp(argv[1], "mmap") ? MMAP : POPULATE;
  buffer = atol(argv[2]);
  int threads = atoi(argv[3]);
  FILE *f = fopen(argv[4], "r");
  if (!f || buffer < 4096 || threads < 1) { perror(argv[4]); return 2; }
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  rewind(f);
  char *all = malloc(len + 1);
  if (fread(all, 1, len, f) != (size_t)len) { perror("read list"); return 2; }
  all[len] = 0;
  names = malloc(sizeof(char *) * (len / 2 + 1));
  for (long p = 0; p < len; p += strlen(all + p) + 1) names[count++] = all + p;
  pthread_t t[64];
  if (threads > 64) threads = 64;
  for (int i = 0; i < threads; i++) pthread_create(&t[i], NULL, worker, NULL);
  uint64_t s = 0;
  for (int i = 0; i < threads; i++) {
    void *r;
    pthread_join(t[i], &r);
    s += (uintptr_t)r;
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("%-9s buffer %8ld  files %ld  user %.2f s  sys %.2f s  CPU %.2f s  (sum %016llx)\n", argv[1],
         buffer, count, ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
         ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6,
         ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6,
         (unsigned long long)s);
  return 0;
}
