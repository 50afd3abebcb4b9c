"""%%moderate: category scores per text as a DataFrame, and a chart with flagged categories in red."""

from __future__ import annotations

import time
from typing import Any

from IPython.core.magic import line_cell_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments

from ..errors import InputError, fails_cleanly
from ..render import footer_text, moderation_bundle, show
from ._base import SessionMagics, common_arguments


@magics_class
class ModerateMagics(SessionMagics):
    @magic_arguments()
    @common_arguments
    @argument("--from", dest="source", metavar="DF.COLUMN", help="Check a column (or any list of texts).")
    @argument("--no-plot", action="store_true", help="Skip the chart.")
    @line_cell_magic
    @fails_cleanly
    def moderate(self, line: str, cell: str | None = None) -> None:
        """Check each non-empty line of the cell (or --from df.column) with the moderation model.

        Shows a DataFrame (one row per text: flagged, flagged categories, every category score) and a
        chart; -o NAME binds the DataFrame.
        """
        args, body = self.parse_body(self.moderate, line, cell)
        texts = self.column(args.source)[0] if args.source else self.lines(args, body)
        if not texts:
            raise InputError("%moderate needs texts: one per line in the cell, or --from df.column")
        model = args.model or self.config_.moderation_model
        started = time.perf_counter()
        result = self.session.client.moderations.create(input=texts, model=model)
        latency = time.perf_counter() - started
        self.session.record("moderate", result.get("model") or model, latency=latency, cost=0.0)

        from ..frames import moderation_frame, moderation_frames

        frame = moderation_frame(result, texts)
        flagged = int(frame["flagged"].sum())
        print(footer_text(result.get("model") or model, latency, note=f"{flagged} of {len(texts)} flagged"))
        show(_table_bundle(frame))
        if not args.no_plot:
            show(moderation_bundle(*moderation_frames(result, texts)))
        self.bind(args, frame)


def _table_bundle(frame: Any) -> dict[str, Any]:
    return {"text/html": frame.to_html(float_format="{:.3f}".format), "text/plain": frame.to_string()}
