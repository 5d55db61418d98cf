"""One inbound message handled once: claim its delivery key, let the conversation answer, remember the
answer, all in one unit of work. The conversation and the silent-event handler are injected at the root
(create_app), so the protocol never imports the chat or the notices."""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from service.unit_of_work import use_case
from service.wechat.dedupe import DatabaseDedupe, dedupe_store
from service.wechat.messages import InboundMessage, dedupe_key
from service.wechat.replies import SUCCESS

log = logging.getLogger(__name__)
# events that need no answer; the root's on_silent_event hears them (delivery receipts update notices)
SILENT_EVENTS = frozenset({"VIEW", "LOCATION", "TEMPLATESENDJOBFINISH", "subscribe_msg_popup_event",
                           "subscribe_msg_change_event", "subscribe_msg_sent_event", "MASSSENDJOBFINISH"})


@dataclass(frozen=True)
class Inbound:
    converse: Callable[[InboundMessage], str]  # the answer's text, or "" for none
    on_silent_event: Callable[[InboundMessage], None] = lambda msg: None

    def handle(self, msg: InboundMessage) -> str:
        """The reply body's plaintext: a text answer or `success`."""
        store, key = dedupe_store(), dedupe_key(msg)
        claimed = False
        try:
            with use_case() as uow:
                claimed, previous = store.claim(key)
                if not claimed:
                    log.info("wechat retry answered from the first delivery", extra={"fields": {"type": msg.msg_type}})
                    return previous or SUCCESS
                reply = self._dispatch(msg) or SUCCESS
                if isinstance(store, DatabaseDedupe):
                    store.remember(key, reply)
                uow.commit()
        except BaseException:
            if claimed:  # never another worker's pending claim
                store.release(key)
            raise
        if not isinstance(store, DatabaseDedupe):
            store.remember(key, reply)
        return reply

    def _dispatch(self, msg: InboundMessage) -> str:
        if msg.is_event and msg.event in SILENT_EVENTS:
            self.on_silent_event(msg)
            return ""
        return self.converse(msg)
