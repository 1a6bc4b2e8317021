/*
 * reference.h — the naive GLA recurrence in double precision (GUIDE §2), forward and backward: what every
 * native op is compared with. Its backward computes dg directly from the states (not by the reverse-cumsum
 * identity the kernels use) and is itself checked by finite differences in test_reference.c.
 * Layouts as in gla.h: q, k, g [B,T,H,K] (g [B,T,H] for a per-head gate, absent when ungated), v, o [B,T,H,V],
 * states [B|N,H,K,V]; cu_seqlens as in gla.h (NULL for fixed-length rows).
 */
#ifndef GLA_TEST_REFERENCE_H
#define GLA_TEST_REFERENCE_H

#include <stdint.h>

typedef struct ref_problem {
    int64_t batch, seq_len, heads, key_dim, value_dim;
    int64_t num_seqs;          /* with cu_seqlens; 0 otherwise */
    const int64_t* cu_seqlens; /* NULL: fixed length */
    double scale;
    int32_t gate;              /* gla_gate */
} ref_problem;

/* o = GLA(q, k, v, g); h0 may be NULL (zeros), ht may be NULL. */
void ref_forward(const ref_problem* p, const double* q, const double* k, const double* v, const double* g,
                 const double* h0, double* o, double* ht);

/* Gradients for the loss sum(o*dout) + sum(ht*dht) (dht may be NULL). dg is ignored when ungated, dh0 may be
 * NULL. Returns 0, or -1 when out of memory. */
int ref_backward(const ref_problem* p, const double* q, const double* k, const double* v, const double* g,
                 const double* h0, const double* dout, const double* dht, double* dq, double* dk, double* dv,
                 double* dg, double* dh0);

#endif /* GLA_TEST_REFERENCE_H */
