"""What happens after an API operation, outside the state's lock: status callbacks and the SIP side of sessions."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from .callbacks import CallbackDispatcher
from .state import Answer, CallbackEvent, Event, SessionEnded, SessionStarted


class Recorder(Protocol):
    """The SIPREC client's side: invites the SRS when a session starts, hangs up when it ends."""

    def start(self, started: SessionStarted, answer: Answer, events: list[Event]) -> tuple[Answer, list[Event]]:
        """Called before the start is answered; may change the answer and the events (a failure)."""
        ...

    def stop(self, ended: SessionEnded) -> None: ...

    def bind(self, submit: Callable[[Iterable[Event]], None]) -> None: ...

    def close(self) -> None: ...


class SideEffects:
    """Runs the events operations leave behind: callbacks in the background, SIP through the recorder."""

    def __init__(self, callbacks: CallbackDispatcher, recorder: Recorder | None = None) -> None:
        self.callbacks = callbacks
        self.recorder = recorder
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
        callbacks = []
        for event in events:
            if isinstance(event, CallbackEvent):
                callbacks.append(event)
            elif isinstance(event, SessionEnded) and self.recorder is not None:
                self.recorder.stop(event)
        self.callbacks.submit(callbacks)

    def close(self) -> None:
        if self.recorder is not None:
            self.recorder.close()
        self.callbacks.close()
