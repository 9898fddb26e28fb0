/*
 * shard_int.h - what shard.c (the reader, the workers' stepping and the
 * merge) and shard_keep.c (what a worker keeps of the lifecycles it ends
 * and how they reach the reader) share: the epochs, the workers and the
 * shard itself.  Internal to those two files.
 */
#ifndef TCPL_POSTPROC_SHARD_INT_H
#define TCPL_POSTPROC_SHARD_INT_H

#include <pthread.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "report_writer.h"
#include "shard.h"

/* Frames per epoch, and epochs in flight: enough to keep workers busy
 * while the reader merges, small enough to hold few packets at a time. */
#define EPOCH 8192
#define SLOTS 6
/* An epoch is merged LAG epochs after it was handed out, and its records
 * are placed SLOTS epochs after: in between, the workers render them. */
#define LAG 3
/* At the end of input, chunks in flight per engine, and the records or
 * copied bytes at which one is sealed: the memory of the last phase stays
 * bounded whatever the number of connections still open, and a chunk is
 * small enough to share the rendering out finely. */
#define CHUNKS 8
#define FIN_RECS 256
#define FIN_BYTES (256u << 10)
/* The reader steps and renders a share of the connections itself (worker
 * 0, no thread of its own): the hash picks one of BUCKETS buckets, the
 * reader owns the first ones.  READER_COST is the reader's own work
 * (reading, decoding, merging, placing, writing) per unit of engine work
 * (stepping, rendering), in percent, as measured on two cores: its share
 * is what that leaves it of an even split. */
/* The end of input's output, when records go straight to it: blocks
 * the reader fills in order and whichever thread is free writes, one at a
 * time. */
#define OBLOCKS 4
#define OBLOCK_BYTES (1u << 20)
#define BUCKETS 1024
#define READER_COST 30

typedef struct pkt {
    tcpl_tuple t;
    tcpl_segment s;
    uint64_t frame;
    int64_t now; /* the capture's clock at this frame */
} pkt;

/* A lifecycle a worker ended, in its arena, followed by its timeline and
 * events (the arena may move while it grows: offsets, not pointers). */
typedef struct emitted {
    tcpl_lifecycle lc;
    uint64_t frame; /* the packet being stepped when it ended; 0: none */
    size_t size;    /* bytes of this record with its arrays */
    size_t toff, tlen; /* its record in the worker's text, once rendered */
    bool rendered;
} emitted;

#define ALIGN_UP(n) (((n) + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1))

typedef struct wslot { /* one worker's share of one epoch */
    uint32_t *in;   /* its packets: indexes into the slot's */
    size_t nin;
    uint64_t *made; /* frames that started a lifecycle, in order */
    size_t nmade;
    unsigned char *arena;
    size_t alen, acap;
    FILE *tmem; /* the records the worker rendered of what it ended */
    char *tbuf;
    size_t tsize;
} wslot;

typedef struct slot {
    wslot w[TCPL_SHARD_MAX];
    /* The epoch's TCP packets, decoded in place by the reader and read by
     * the workers: each worker is told which are its own, nothing is
     * copied. */
    pkt *pk;
    size_t ntcp;
    int64_t end_now;
    int64_t finish_ns; /* last: where the capture's tracked packets end */
    bool last;         /* no packets: finish the lifecycles still open */
    int done;          /* workers that stepped it */
    struct ref *refs;  /* its ends in the report's order, once merged */
    size_t nrefs, refcap;
    int64_t t0;        /* the report's time origin, for rendering */
    int rdone;         /* workers that rendered its ends */
} slot;

struct shard;

typedef struct idmap { /* a worker's lifecycle id + 1 -> report's id */
    uint64_t *key; /* 0: empty */
    uint64_t *val;
    size_t cap, n;
} idmap;

/* The lifecycles still open at the end, in the order an engine ends them
 * (its ids, so the report's): copied, then rendered by whichever thread is
 * free (shard_keep.c), a chunk at a time. */
typedef struct fin_rec {
    uint64_t gid;
    size_t aoff;     /* its copy in the chunk's arena */
    size_t off, len; /* its record in the chunk's text, once rendered */
} fin_rec;

typedef struct chunk {
    fin_rec *recs;
    size_t nrec, reccap;
    unsigned char *arena;
    size_t alen, acap;
    FILE *mem; /* the rendered records */
    char *buf;
    size_t size;
    /* Once sealed, under mu: a thread is rendering it, it is rendered,
     * rendering it failed (its records are not placed). */
    bool claimed, rendered, bad;
} chunk;

typedef struct worker {
    struct shard *sh;
    int k;
    tcpl_tracker *tr;
    pthread_t th;
    wslot *cur;
    uint64_t cur_frame;
    bool oom;
    uint64_t oom_frame;
    uint64_t untracked; /* ICMP errors quoting no connection (bad
                           checksums starting none are counted already) */
    idmap map;          /* written by the merge; by the worker at the end */
    /* The end of input (under mu): chunks sealed (produced) and placed
     * (consumed), the lowest number the engine can still end (next_min;
     * exact once it has a sealed chunk), fin_done when it has ended
     * everything. */
    bool finishing, render;
    chunk fin[CHUNKS];
    uint64_t produced, consumed, next_min;
    bool fin_done;
    tcpl_writer_ctx rctx;
    tcpl_report_totals tot;
} worker;

typedef struct ref { /* an ended lifecycle, placed in the one-tracker order */
    uint64_t frame; /* packet it ended at; UINT64_MAX: end of input */
    uint64_t sub;   /* idle: its last frame; end of input: its number */
    int kind;       /* 0 idle, 1 successor, 2 end of input */
    int k;          /* its worker */
    uint64_t gid;
    emitted *e;
} ref;

typedef struct shard {
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    uint64_t published; /* epochs handed to the workers */
    uint64_t merged;    /* epochs merged: their ends numbered and ordered */
    uint64_t rpub;      /* epochs whose ends the workers may render */
    uint64_t placed;    /* epochs written into the report */
    bool render;        /* workers render; else the report takes lifecycles */
    int nw;
    worker w[TCPL_SHARD_MAX];
    slot s[SLOTS];
    pthread_cond_t fin; /* a chunk handed over or given back */
    tcpl_report *r;
    uint64_t next_gid;
    uint64_t next_local[TCPL_SHARD_MAX];
    uint64_t open, peak;
    uint64_t *starts;
    size_t startcap;
    bool oom;   /* the merge itself ran out of memory */
    bool wfail; /* a worker ran out of memory (under mu) */
    bool stop;  /* the reader saw wfail */
    unsigned rbuckets; /* of BUCKETS, those the reader owns */
    /* The end of input (shard_keep.c): where the reader is in each
     * engine's oldest sealed chunk; fin_over (under mu) once everything
     * is placed, or the run stopped. */
    size_t pos[TCPL_SHARD_MAX];
    bool fin_over;
    /* The end of input's output (shard_keep.c): the report's records go
     * to ofile, whose bytes fill ob[ofill % OBLOCKS]; blocks before ofill
     * are full and wait to be written to ofd, the first owritten are out
     * (under mu, with owriting while a thread writes one, and oerr the
     * errno of a failed write).  ofile NULL: records go where they went. */
    FILE *ofile, *oreal;
    int ofd;
    struct {
        char *buf;
        size_t len;
    } ob[OBLOCKS];
    uint64_t ofill, owritten;
    bool owriting;
    int oerr;
} shard;


static inline uint64_t tcpl_shard_mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= UINT64_C(0xff51afd7ed558ccd);
    x ^= x >> 33;
    return x;
}

/* ---- shard_keep.c */

/* Put k -> v (k != 0); -1 when out of memory. */
int tcpl_shard_map_put(idmap *m, uint64_t k, uint64_t v);
/* Look k up and remove it; false when it is not there. */
bool tcpl_shard_map_take(idmap *m, uint64_t k, uint64_t *v);
/* p with room for need elements of elem bytes (*cap grown), or NULL. */
void *tcpl_shard_grow(void *p, size_t *cap, size_t need, size_t elem);
bool tcpl_shard_arena_put(unsigned char **arena, size_t *alen, size_t *acap,
                          const tcpl_lifecycle *lc, uint64_t frame);
emitted *tcpl_shard_arena_get(unsigned char *arena, size_t off);
/* A lifecycle an engine (the reader too) ends at the end of input: into
 * its chunks, taking its part of the shared work as chunks fill. */
void tcpl_shard_finish_emit(worker *w, const tcpl_lifecycle *lc);
/* A worker thread (not the reader) has ended everything: it seals what it
 * holds and renders for the others until the reader has placed it all. */
void tcpl_shard_worker_end(worker *w);
/* Before the end of input: the reader's placing no longer waits for the
 * output's writing (see ofile), when the report writes records straight
 * to its output. */
void tcpl_shard_out_begin(shard *sh);
/* The reader's side of the end of input, once its own tracker has ended
 * everything: placing every engine's records in the report's order, and
 * rendering while there is nothing to place. */
void tcpl_shard_merge_finish(shard *sh);

#endif /* TCPL_POSTPROC_SHARD_INT_H */
