"""What happens after an API operation, outside the state's lock: status callbacks and the SIP side of sessions."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

from .callbacks import CallbackDispatcher, Delivery, JsonWebhook
from .state import Answer, CallbackEvent, Event, PartEvent, SessionEnded, SessionStarted


class Recorder(Protocol):
    """The SIPREC client's side: invites the SRS when a session starts, hangs up when it ends."""

    def start(self, started: SessionStarted, answer: Answer, events: list[Event]) -> tuple[Answer, list[Event]]:
        """Called before the start is answered; may change the answer and the events (a failure)."""
        ...

    def stop(self, ended: SessionEnded) -> None: ...

    def bind(self, submit: Callable[[Iterable[Event]], None]) -> None: ...

    def close(self) -> None: ...


class PartHandler(Protocol):
    """Carries out the events of another part of the API (Call Control's SIP side); ignores the others."""

    def handle(self, event: PartEvent) -> None: ...

    def close(self) -> None: ...


class SideEffects:
    """Runs the events operations leave behind: callbacks and webhooks in the background, SIP through the recorder
    and the parts' handlers."""

    def __init__(self, callbacks: CallbackDispatcher, recorder: Recorder | None = None,
                 handlers: Sequence[PartHandler] = ()) -> None:
        self.callbacks = callbacks
        self.recorder = recorder
        self.handlers = tuple(handlers)
        if recorder is not None:
            recorder.bind(self.run)

    def before_answer(self, answer: Answer, events: list[Event]) -> tuple[Answer, list[Event]]:
        """Lets the recorder see a session start before it is answered (it may await the SRS)."""
        if self.recorder is None:
            return answer, events
        for event in list(events):
            if isinstance(event, SessionStarted):
                answer, events = self.recorder.start(event, answer, events)
        return answer, events

    def run(self, events: Iterable[Event]) -> None:
        """Delivers the callbacks and hangs up on the SRS of ended sessions."""
        callbacks: list[Delivery] = []
        for event in events:
            if isinstance(event, (CallbackEvent, JsonWebhook)):
                callbacks.append(event)
            elif isinstance(event, SessionEnded) and self.recorder is not None:
                self.recorder.stop(event)
            elif isinstance(event, PartEvent):
                for handler in self.handlers:
                    handler.handle(event)
        self.callbacks.submit(callbacks)

    def close(self) -> None:
        for handler in self.handlers:
            handler.close()
        if self.recorder is not None:
            self.recorder.close()
        self.callbacks.close()
