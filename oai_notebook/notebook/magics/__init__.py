"""The magics, one module per family; every class is built from the shell alone (see `_base`)."""

from __future__ import annotations

from .audio import AudioMagics
from .chat import ChatMagics
from .embed import EmbedMagics
from .image import ImageMagics
from .moderate import ModerateMagics
from .oai import OAIMagics

MAGICS = (ChatMagics, ImageMagics, EmbedMagics, ModerateMagics, AudioMagics, OAIMagics)

__all__ = ["MAGICS", "AudioMagics", "ChatMagics", "EmbedMagics", "ImageMagics", "ModerateMagics", "OAIMagics"]
