"""Where alerts go: Telegram (pyTelegramBotAPI, plain text, no parse mode, so nothing from a post
is read as markup) and e-mail over SMTP. A channel raises on failure; the outbox retries."""

from __future__ import annotations

import io
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

import telebot

TELEGRAM_LIMIT = 4096


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    mime: str  # "application/pdf"


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    link: str | None = None
    attachments: tuple[Attachment, ...] = ()

    def text(self) -> str:
        parts = [self.title, "", self.body]
        if self.link:
            parts += ["", f"Buka: {self.link}"]
        return "\n".join(parts)


class Channel(Protocol):
    name: str

    def send(self, target: str, message: Message) -> None: ...


class TelegramChannel:
    """The Bot API through pyTelegramBotAPI (requests underneath: tests record it with `responses`)."""

    name = "telegram"

    def __init__(self, token: str) -> None:
        self._bot = telebot.TeleBot(token, threaded=False, parse_mode=None)
        self._token = token

    def send(self, target: str, message: Message) -> None:
        text = message.text()
        if len(text) > TELEGRAM_LIMIT:
            text = text[: TELEGRAM_LIMIT - 1] + "…"
        try:
            self._bot.send_message(target, text, link_preview_options=telebot.types.LinkPreviewOptions(is_disabled=True))
            for att in message.attachments:
                self._bot.send_document(target, telebot.types.InputFile(io.BytesIO(att.data), att.filename),
                                        visible_file_name=att.filename)
        except Exception as exc:  # the library's message may hold the request URL, which holds the token
            raise RuntimeError(scrub(f"{type(exc).__name__}: {exc}", self._token)) from None


class EmailChannel:
    name = "email"

    def __init__(self, host: str, port: int, sender: str, user: str | None = None, password: str | None = None,
                 starttls: bool = True, timeout: float = 20) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.user, self._password, self.starttls, self.timeout = user, password, starttls, timeout

    def send(self, target: str, message: Message) -> None:
        mail = EmailMessage()
        mail["Subject"] = " ".join(message.title.split())[:200]
        mail["From"] = self.sender
        mail["To"] = target
        mail.set_content(message.text())
        for att in message.attachments:
            maintype, subtype = att.mime.split("/", 1)
            mail.add_attachment(att.data, maintype=maintype, subtype=subtype, filename=att.filename)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.user:
                    smtp.login(self.user, self._password or "")
                smtp.send_message(mail)
        except (OSError, smtplib.SMTPException) as exc:
            raise RuntimeError(scrub(f"{type(exc).__name__}: {exc}", self._password)) from None


def scrub(text: str, secret: str | None) -> str:
    """An error message safe to store and show: the secret replaced, length bounded."""
    if secret:
        text = text.replace(secret, "***")
    return text[:500]
