"""Benchmark the editor's tools: voice ~20 lines and render a 90 s 1080x1920 episode.

    .venv/bin/python bench/bench_editor.py [--shots 30] [--lines 20] [--lang en|zh|mixed]

Prints seconds per stage and the realtime factor (episode seconds / seconds spent).
Preparing the stand-in shot clips (what the animatic backend would hand over) is not timed.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from reelwright.tools.ffmpeg import probe, run_ffmpeg
from reelwright.tools.jianying import read_draft, write_draft
from reelwright.tools.pacing import PacedShot, measure, speech_from_audio
from reelwright.tools.render import AudioPlacement, CutShot, render_episode
from reelwright.tools.subtitles import Cue, write_srt
from reelwright.tools.timeline import TimelineLine, TimelineMarker, TimelineShot, write_timeline
from reelwright.tools.tts import cast_voice, load_piper, synthesize

EN = [
    "You came late. The sea does not wait for anyone.",
    "Mother is still out there. I am going.",
    "Nobody sails in a storm like this.",
    "Then nobody will save her.",
    "Take the rope. Tie it twice.",
    "Why did you never tell me?",
    "Because you would have left years ago.",
    "The engine is dead. We row.",
]
ZH = [
    "你来晚了。海不会等任何人。",
    "妈妈还在船上，我必须去。",
    "这么大的风浪，没人敢出海。",
    "那就没人能救她了。",
    "拿着绳子，系两道。",
    "你为什么从来不告诉我？",
    "因为你早就会离开这里。",
    "发动机坏了，我们划过去。",
]
# Stand-ins for animatic clips (a storyboard frame with a camera move): low-entropy
# pictures, a few of them moving. Noise sources (life, mandelbrot) would measure x264 on
# content no storyboard has.
SOURCES = [
    "testsrc2=s={size}:r=30",
    "smptehdbars=s={size}:r=30,zoompan=z='1+0.002*on':d=1:s={size}:fps=30",
    "gradients=s={size}:r=30:speed=0.02",
    "rgbtestsrc=s={size}:r=30,zoompan=x='on*2':d=1:s={size}:fps=30",
    "color=c=0x334455:s={size}:r=30,drawbox=x='100+t*80':y=600:w=300:h=700:c=0xd0a070:t=fill",
    "smptebars=s={size}:r=30",
]


def make_clips(folder: Path, width: int, height: int, seconds: float) -> list[Path]:
    """A few distinct clips at full size; shots reuse them (the render decodes each input)."""
    clips = []
    for i, src in enumerate(SOURCES):
        out = folder / f"clip{i}.mp4"
        spec = src.format(size=f"{width}x{height}")
        run_ffmpeg([
            "-f", "lavfi", "-i", spec, "-t", f"{seconds}",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(out),
        ])  # fmt: skip
        clips.append(out)
    return clips


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shots", type=int, default=30)
    ap.add_argument("--lines", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=90.0)
    ap.add_argument("--width", type=int, default=1080)
    ap.add_argument("--height", type=int, default=1920)
    ap.add_argument("--lang", choices=["en", "zh", "mixed"], default="mixed")
    ap.add_argument("--preset", default="veryfast")
    ap.add_argument("--keep", type=Path, help="write the episode and exports here")
    args = ap.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="rw-bench-")
    work = args.keep or Path(tmp.name)
    work.mkdir(parents=True, exist_ok=True)
    shot_len = args.seconds / args.shots
    print(
        f"cpus: {os.cpu_count()}; episode {args.seconds:.0f} s, {args.shots} shots, "
        f"{args.lines} lines ({args.lang}), {args.width}x{args.height}"
    )

    t0 = time.perf_counter()
    clips = make_clips(work, args.width, args.height, shot_len + 1.0)
    print(f"prepare clips (untimed): {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    load_piper()
    t_load = time.perf_counter() - t0

    t0 = time.perf_counter()
    lines: list[tuple[int, Path, float, str]] = []  # shot index, wav, seconds, text
    for k in range(args.lines):
        lang = args.lang if args.lang != "mixed" else ("en" if k % 2 == 0 else "zh")
        text = (EN if lang == "en" else ZH)[k % 8]
        voice = cast_voice(k % 3, "female" if k % 3 == 1 else "male", lang)
        wav = work / f"line{k:02d}.wav"
        dur = synthesize(text, voice, wav)
        shot = round(k * args.shots / args.lines)
        lines.append((shot, wav, dur, text))
    t_voice = time.perf_counter() - t0

    shots, tl_shots, cues = [], [], []
    for i in range(args.shots):
        mine = [(wav, dur, text) for s, wav, dur, text in lines if s == i]
        audio = [AudioPlacement(path=wav, start=0.2) for wav, _, _ in mine]
        trans = "dissolve" if i % 7 == 3 else "fade" if i % 10 == 9 else "cut"
        shots.append(
            CutShot(
                shot_id=f"1.{i // 6 + 1}.{i % 6 + 1}",
                clip=clips[i % len(clips)],
                duration=shot_len,
                transition_out=trans,
                audio=audio,
            )
        )
        tl_shots.append(TimelineShot(
            shot_id=shots[-1].shot_id, scene_id=f"1.{i // 6 + 1}", clip=clips[i % len(clips)],
            duration=shot_len, transition_out=trans,
            lines=[TimelineLine(path=w, start=0.2, duration=d, text=t) for w, d, t in mine],
        ))  # fmt: skip
        for _, dur, text in mine:
            start = i * shot_len + 0.2
            cues.append(Cue(start=start, end=start + min(dur, shot_len - 0.2), text=text))

    t0 = time.perf_counter()
    out = render_episode(
        shots,
        work / "episode_01.mp4",
        width=args.width,
        height=args.height,
        cues=cues,
        preset=args.preset,
    )
    t_render = time.perf_counter() - t0

    t0 = time.perf_counter()
    write_srt(cues, work / "episode_01.srt")
    markers = [
        TimelineMarker(name="hook", time=0, kind="hook"),
        TimelineMarker(name="cliffhanger", time=args.seconds - shot_len, kind="cliffhanger"),
    ]
    write_timeline(tl_shots, markers, work / "episode_01.otio")
    t_export = time.perf_counter() - t0

    t0 = time.perf_counter()
    write_draft(tl_shots, work / "episode_01.jianying", width=args.width, height=args.height)
    t_draft = time.perf_counter() - t0
    segments = len(read_draft(work / "episode_01.jianying").segments)

    t0 = time.perf_counter()
    paced = [
        PacedShot(shot_id=s.shot_id, start=i * shot_len, duration=shot_len)
        for i, s in enumerate(shots)
    ]
    heard = measure(paced, speech_from_audio(out), target=args.seconds, source="audio")
    t_pace = time.perf_counter() - t0

    info = probe(out, exact=True)
    spent = t_load + t_voice + t_render + t_export + t_draft + t_pace
    voiced = sum(d for _, _, d, _ in lines)
    print(f"piper load:  {t_load:6.2f} s")
    print(
        f"voice:       {t_voice:6.2f} s for {args.lines} lines ({voiced:.1f} s of speech, "
        f"{voiced / t_voice:.1f}x realtime)"
    )
    print(
        f"render:      {t_render:6.2f} s ({info.duration / t_render:.2f}x realtime, "
        f"preset {args.preset})"
    )
    print(f"srt + otio:  {t_export:6.2f} s")
    print(f"jianying:    {t_draft:6.2f} s ({segments} segments, media copied)")
    print(
        f"pacing:      {t_pace:6.2f} s (heard: first line {heard.first_line_s} s, "
        f"longest silence {heard.longest_silence_s} s)"
    )
    print(
        f"total:       {spent:6.2f} s for {info.duration:.2f} s of episode -> "
        f"realtime factor {info.duration / spent:.2f} (>1 is faster than realtime)"
    )
    print(
        f"output: {info.width}x{info.height} {info.video_codec}/{info.audio_codec} "
        f"{info.frames} frames, {out.stat().st_size / 1e6:.1f} MB"
    )
    tmp.cleanup()


if __name__ == "__main__":
    main()
