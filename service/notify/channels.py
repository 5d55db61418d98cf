"""Which port an outbox row goes through, and the call to it: a notice to the applicant by WeChat template
when they follow the account and a template is configured, else by SMS; a staff or customer-service row
by its own channel; a MEDIA_FETCH row (a chat photo) through the media port. No database, no threads:
the worker calls this from its sender threads and records what comes back."""

from __future__ import annotations

from service.notify import media
from service.notify.models import APPLICANT, SMS, WECHAT_TEMPLATE
from service.notify.queue import Job
from service.notify.sender import Outgoing


class NoRoute(Exception):
    """Nowhere to send this notice (no WeChat, no phone, no gateway); dead-lettered at once."""


class Channels:
    """The ports chosen at the root (adapters.py); `sms` and `media` are None where not configured."""

    def __init__(self, wechat, sms, media_port):
        self.wechat, self.sms, self.media = wechat, sms, media_port

    @staticmethod
    def route(job: Job) -> str:
        if job.channel != APPLICANT:
            return job.channel
        if job.openid and job.template_id:
            return WECHAT_TEMPLATE
        return SMS

    def send(self, job: Job, channel: str) -> int | None:
        """Through the channel's port; returns WeChat's msgid where there is one, raises SendFailed."""
        if channel != SMS:
            return self.wechat.send(Outgoing(channel, job.idempotency_key, text=job.text, openid=job.openid,
                                             template_id=job.template_id, fields=job.fields, url=job.url))
        if not job.phone:
            if job.channel != APPLICANT:
                raise NoRoute("没有可用的手机号")
            raise NoRoute("未配置模板消息ID（NOTIFY_TEMPLATE_ID），且申请人没有登记手机号" if job.openid
                          else "申请人没有关注公众号，也没有登记手机号")
        if self.sms is None:
            raise NoRoute("未配置短信网关（SMS_GATEWAY_URL）")
        self.sms.send(Outgoing(SMS, job.idempotency_key, text=job.sms_sign + job.text, phone=job.phone))
        return None

    def fetch(self, job: Job) -> media.Media:
        """A chat photo through the media port; raises SendFailed like a send."""
        if self.media is None:
            raise NoRoute("未配置微信图片下载")
        return self.media.fetch(job.fields["media_id"])
