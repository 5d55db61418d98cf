"""Events counted where they happen (WeChat callbacks, routing decisions, request latency), for /metrics
(service.ops.metrics). A base module every room may call: it imports nothing of the service."""

from prometheus_client import CollectorRegistry, Counter, Histogram

EVENTS = CollectorRegistry(auto_describe=True)  # this process's counters (or, multiprocess, its files)
CALLBACKS = Counter("relief_wechat_callbacks", "WeChat callbacks by message type and outcome",
                    ["type", "outcome"], registry=EVENTS)
ROUTING = Counter("relief_routing_decisions", "Classifier decisions by channel, scheme and the step it led to",
                  ["channel", "scheme", "step"], registry=EVENTS)
LATENCY = Histogram("relief_http_request_duration_seconds", "Time to answer a request, by route template",
                    ["method", "route"], registry=EVENTS,
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
# labels come from callers' requests: only known values, so nobody can flood the series
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
MESSAGE_TYPES = frozenset({"text", "image", "voice", "video", "shortvideo", "location", "link", "event"})
EVENT_TYPES = frozenset({"subscribe", "unsubscribe", "scan", "click", "view", "location", "templatesendjobfinish"})
SCHEMES = frozenset({"temporary_relief", "dibao", "child_welfare", "other"})


def wechat_callback(msg, reply: str) -> None:
    """Hook for service.wechat.views: one verified callback answered (a text) or acknowledged silently."""
    kind = msg.msg_type if msg.msg_type in MESSAGE_TYPES else "other"
    if kind == "event":
        event = (msg.event or "").lower()
        kind = f"event:{event if event in EVENT_TYPES else 'other'}"
    CALLBACKS.labels(kind, "answered" if reply and reply != "success" else "silent").inc()


def routed(channel: str, scheme: str, step: str) -> None:
    """Hook for the chat and the hotline form: the classifier routed a message to `scheme`."""
    ROUTING.labels(channel, scheme if scheme in SCHEMES else "other", step).inc()
