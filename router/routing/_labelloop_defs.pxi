# Constants, records and the binary heap of the compiled label loop (_labelloop.pyx includes it).
# Constants mirror router.routing.kernel_tables and the reference search; see _labelloop.pyx.

cdef int64_t INF = 1LL << 60
cdef int64_t NO_CLOSURE = 1LL << 62
cdef int64_t DAY = 1440
cdef int64_t WEEK = 10080
cdef int MAX_DEPARTURE_TRIES = 60
cdef int SEED_MAX_SETTLED = 20000

cdef enum:
    FREE = 0
    CLEARED_EXPORT = 1
    IN_TRANSIT = 2
    IN_BOND = 3

cdef enum:
    NO_LEG = 0
    ROAD_LEG = 1
    TERMINAL_LEG = 2

cdef enum:
    ARC_INITIAL = 0
    ARC_CUSTOMS = 1
    ARC_LEG = 2
    ARC_FINISH = 3

cdef enum:
    BOND_NEVER = 0
    BOND_ALWAYS = 1
    BOND_OFF_OFFICE = 2

cdef enum:
    SCHED_ANY = 0
    SCHED_WEEKLY = 1
    SCHED_HEADWAY = 2


cdef struct Crit:
    int64_t t
    int64_t c
    int64_t e
    int64_t x
    uint64_t ctx


cdef struct HeapItem:
    int64_t k0
    int64_t k1
    int64_t k2
    int64_t k3
    int64_t seq
    int32_t label


cdef struct Succ:
    int64_t time
    int64_t cost
    int64_t co2
    int64_t transfers
    int32_t node
    int32_t state
    int32_t anchor
    int64_t mask
    int32_t last
    uint64_t ctx
    int32_t kind
    int32_t ref
    int64_t dep


cdef inline bint item_less(const HeapItem& a, const HeapItem& b) noexcept nogil:
    if a.k0 != b.k0:
        return a.k0 < b.k0
    if a.k1 != b.k1:
        return a.k1 < b.k1
    if a.k2 != b.k2:
        return a.k2 < b.k2
    if a.k3 != b.k3:
        return a.k3 < b.k3
    return a.seq < b.seq


cdef void heap_push(vector[HeapItem]& h, HeapItem item) noexcept nogil:
    h.push_back(item)
    cdef size_t i = h.size() - 1
    cdef size_t parent
    while i > 0:
        parent = (i - 1) >> 1
        if item_less(item, h[parent]):
            h[i] = h[parent]
            i = parent
        else:
            break
    h[i] = item


cdef HeapItem heap_pop(vector[HeapItem]& h) noexcept nogil:
    cdef HeapItem top = h[0]
    cdef HeapItem last = h.back()
    h.pop_back()
    cdef size_t n = h.size()
    cdef size_t i = 0
    cdef size_t child
    if n == 0:
        return top
    while True:
        child = 2 * i + 1
        if child >= n:
            break
        if child + 1 < n and item_less(h[child + 1], h[child]):
            child += 1
        if item_less(h[child], last):
            h[i] = h[child]
            i = child
        else:
            break
    h[i] = last
    return top


cdef inline int64_t floordiv(int64_t a, int64_t b) noexcept:
    # with cdivision off (the module's directive), // floors as Python's does
    return a // b
