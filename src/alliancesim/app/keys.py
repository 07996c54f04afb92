"""Presentation-clicker keys: a clicker (or the keyboard) drives play from across the room.

A clicker sends Page Down or the right arrow for "next", and some send the space bar. Space
and Page Down play to the next key moment (or pause play); the right arrow steps one month.
Keys typed into a text field or a slider, on the tabs or in an open list are left alone, and
only the view that is on screen answers (both views' controls are on the page, one of them
in a hidden tab).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import ipyvue
import solara
import traitlets

PLAY_KEYS = (" ", "PageDown")
STEP_KEYS = ("ArrowRight",)
KEYS_TEMPLATE = """
<template>
  <span class="as-clicker-keys" style="display: inline-block; width: 0; height: 0;"></span>
</template>
<script>
module.exports = {
  mounted() {
    this.listener = (event) => {
      if (!KEYS.includes(event.key) || event.altKey || event.ctrlKey || event.metaKey) {
        return;
      }
      const target = event.target;
      const typing = target && (target.isContentEditable || target.tagName === 'TEXTAREA'
          || (target.tagName === 'INPUT' && !target.readOnly
              && !['checkbox', 'radio'].includes(target.type))
          || (target.closest && target.closest('[role=slider], [role=tab], [role=tablist]')));
      if (typing || document.querySelector('.menuable__content__active')) {
        return;  // a field, a slider or an open list takes its own keys
      }
      if (this.$el.offsetParent === null) {
        return;  // this view is in a hidden tab
      }
      // The page listens before the element with the focus (a select, a button) does, so
      // the key neither opens a list, clicks that button nor scrolls the page.
      event.preventDefault();
      event.stopImmediatePropagation();
      this.clicker_key(event.key);
    };
    document.addEventListener('keydown', this.listener, true);
  },
  destroyed() {
    document.removeEventListener('keydown', this.listener, true);
  },
};
</script>
"""
# The keys the page listens for, written into the template as a JavaScript array.
KEYS_TEMPLATE = KEYS_TEMPLATE.replace("KEYS", json.dumps([*PLAY_KEYS, *STEP_KEYS]))


class ClickerKeysWidget(ipyvue.VueTemplate):
    """An invisible element that passes clicker keys pressed anywhere on the page on."""

    template = traitlets.Unicode(KEYS_TEMPLATE).tag(sync=True)
    on_key = traitlets.Any(None)  # called with the key's name; not sent to the browser

    def vue_clicker_key(self, key: str) -> None:
        """Called from the browser with the name of the key pressed."""
        if self.on_key is not None:
            self.on_key(key)


def key_action(key: str) -> str:
    """What a key does: 'play' (play to the next key moment, or pause), 'step' or ''."""
    if key in PLAY_KEYS:
        return "play"
    if key in STEP_KEYS:
        return "step"
    return ""


@solara.component
def ClickerKeys(play_or_pause: Callable[[], None], step: Callable[[], None]) -> None:
    """Listen for clicker keys on the whole page and play, pause or step this view."""

    def pressed(key: str) -> None:
        action = key_action(key)
        if action == "play":
            play_or_pause()
        elif action == "step":
            step()

    ClickerKeysWidget.element(on_key=pressed)
