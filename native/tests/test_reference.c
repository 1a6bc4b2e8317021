/*
 * test_reference.c — checks the double-precision reference backward (reference.c) by central finite differences
 * of the loss sum(o*W) + sum(ht*Wh): every gradient (dq, dk, dv, dg, dh0, and dht through Wh), all gate kinds,
 * fixed-length and variable-length batches (with an empty sequence). CTest: reference_fd.
 */
#include "reference.h"
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct fd_case {
    int64_t b, t, h, k, v;
    int32_t gate;
    double g_lo, g_hi;
    int varlen;
} fd_case;

static const int64_t varlen_cu[] = {0, 3, 3, 7};

static double loss(const ref_problem* p, double* const* x, const double* w_o, const double* w_h, double* o,
                   double* ht, int64_t n_o, int64_t n_h) {
    ref_forward(p, x[0], x[1], x[2], x[3], x[4], o, ht);
    double l = 0.0;
    for (int64_t i = 0; i < n_o; i++) l += o[i] * w_o[i];
    for (int64_t i = 0; i < n_h; i++) l += ht[i] * w_h[i];
    return l;
}

static void run_case(const fd_case* c, uint64_t seed) {
    test_rng r;
    rng_seed(&r, seed);
    ref_problem p = {c->b, c->t, c->h, c->k, c->v, 0, NULL, 1.0 / sqrt((double)c->k), c->gate};
    if (c->varlen) {
        p.num_seqs = 3;
        p.cu_seqlens = varlen_cu;
    }
    const int64_t tokens = c->b * c->t, states = (c->varlen ? p.num_seqs : c->b) * c->h * c->k * c->v;
    const int64_t n[5] = {tokens * c->h * c->k, tokens * c->h * c->k, tokens * c->h * c->v,
                          c->gate == GLA_GATE_CHANNEL ? tokens * c->h * c->k : tokens * c->h, states};
    const int64_t n_o = tokens * c->h * c->v;
    double* x[5];
    double* grad[5];
    for (int i = 0; i < 5; i++) {
        x[i] = malloc((size_t)n[i] * sizeof(double));
        grad[i] = malloc((size_t)n[i] * sizeof(double));
        for (int64_t j = 0; j < n[i]; j++) x[i][j] = i == 3 ? rng_uniform(&r, c->g_lo, c->g_hi) : rng_normal(&r);
    }
    double* g_values = x[3];
    if (c->gate == GLA_GATE_NONE) x[3] = NULL;
    double* w_o = malloc((size_t)n_o * sizeof(double));
    double* w_h = malloc((size_t)states * sizeof(double));
    double* o = malloc((size_t)n_o * sizeof(double));
    double* ht = malloc((size_t)states * sizeof(double));
    for (int64_t j = 0; j < n_o; j++) w_o[j] = rng_normal(&r);
    for (int64_t j = 0; j < states; j++) w_h[j] = rng_normal(&r);

    CHECK(ref_backward(&p, x[0], x[1], x[2], x[3], x[4], w_o, w_h, grad[0], grad[1], grad[2], grad[3], grad[4]) == 0,
          "out of memory");
    static const char* names[5] = {"dq", "dk", "dv", "dg", "dh0"};
    for (int i = 0; i < 5; i++) {
        if (x[i] == NULL) continue;
        double worst = 0.0;
        for (int64_t j = 0; j < n[i]; j++) {
            const double eps = 1e-6, saved = x[i][j];
            x[i][j] = saved + eps;
            double lp = loss(&p, x, w_o, w_h, o, ht, n_o, states);
            x[i][j] = saved - eps;
            double lm = loss(&p, x, w_o, w_h, o, ht, n_o, states);
            x[i][j] = saved;
            double fd = (lp - lm) / (2 * eps), err = fabs(fd - grad[i][j]) / (1.0 + fabs(fd));
            if (err > worst) worst = err;
        }
        CHECK(worst < 1e-6, "gate %d varlen %d: %s differs from finite differences by %.3g", c->gate, c->varlen,
              names[i], worst);
    }
    x[3] = g_values;
    for (int i = 0; i < 5; i++) free(x[i]), free(grad[i]);
    free(w_o), free(w_h), free(o), free(ht);
}

int main(void) {
    static const fd_case cases[] = {
        {2, 5, 2, 3, 4, GLA_GATE_CHANNEL, -1.0, 0.0, 0},
        {1, 6, 1, 4, 3, GLA_GATE_CHANNEL, -8.0, -2.0, 0},
        {2, 5, 2, 3, 4, GLA_GATE_HEAD, -1.0, 0.0, 0},
        {1, 5, 2, 3, 2, GLA_GATE_NONE, 0.0, 0.0, 0},
        {1, 7, 2, 3, 4, GLA_GATE_CHANNEL, -1.0, 0.0, 1},
        {1, 7, 1, 2, 3, GLA_GATE_HEAD, -1.0, 0.0, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) run_case(&cases[i], 100 + i);
    return test_finish("test_reference");
}
