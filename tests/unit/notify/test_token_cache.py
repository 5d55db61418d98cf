"""The in-process token cache: fewer reads of the shared store, never a second refresh in a storm."""

from service.notify.token_store import CachedTokenStore
from service.wechat.token_store import MemoryTokenStore


class CountingStore(MemoryTokenStore):
    def __init__(self):
        super().__init__()
        self.reads = 0

    def get(self):
        self.reads += 1
        return super().get()


def test_reads_are_served_from_memory_for_the_ttl():
    now = [0.0]
    shared = CountingStore()
    shared.set("T-1", 9e9)
    cache = CachedTokenStore(shared, ttl=5, clock=lambda: now[0])
    assert [cache.get()[0] for _ in range(10)] == ["T-1"] * 10 and shared.reads == 1
    shared.set("T-2", 9e9)  # another process refreshed
    now[0] = 5.1
    assert cache.get()[0] == "T-2" and shared.reads == 2


def test_inside_the_lock_every_read_goes_to_the_shared_store():
    shared = CountingStore()
    shared.set("T-1", 9e9)
    cache = CachedTokenStore(shared, ttl=60, clock=lambda: 0.0)
    cache.get()
    shared.set("T-2", 9e9)  # refreshed elsewhere after a 40001
    assert cache.get()[0] == "T-1"  # stale outside the lock: costs one 40001 at most
    with cache.lock():
        assert cache.get()[0] == "T-2"  # the refresh-once check sees it and does not fetch again
    assert shared.reads == 2


def test_a_token_we_set_is_cached_and_shared():
    shared = MemoryTokenStore()
    cache = CachedTokenStore(shared, ttl=60, clock=lambda: 0.0)
    with cache.lock():
        cache.set("T-9", 123.0)
    assert shared.get() == ("T-9", 123.0) and cache.get() == ("T-9", 123.0)
