#!/usr/bin/env python3
"""Make the placeholder photographs for the sample publication.

Each is a painted, photo-like scene (sky and ground gradients, horizon, shapes suggesting the
subject, soft light, vignette, grain) marked by a band reading PLACEHOLDER PHOTO plus its caption.
Reproducible: random choices come from random.Random(file name); nothing time-dependent is saved.

    python scripts/placeholder_photos.py [--out images/]
"""
import argparse
import random
import struct
from pathlib import Path

from PIL import Image, ImageChops, ImageCms, ImageColor, ImageDraw, ImageFilter, ImageFont, ImageOps

W, H = 3000, 2000
FONTS = Path(__file__).resolve().parent.parent / "layouts" / "brochure" / "fonts"

# name: (caption, sky top, sky at horizon, ground far, ground near, horizon as a fraction of H)
PHOTOS = {
    "kenya-site-survey.jpg": ("Site Survey by SIFANG in Urban Distribution Network Project in Kenya",
                              "#3d78b8", "#d9e4ea", "#a8744a", "#6e3f22", 0.58),
    "kenya-mechanics.jpg": ("Trained Kenyan Mechanics on the Distribution Network Project",
                            "#5a86a8", "#f0d9a8", "#8c8a5a", "#4f4a2c", 0.62),
    "trt-tcm-plans.jpg": ("Country-Specific TCM Diagnosis and Treatment Plans by Beijing TRT Group "
                          "Based on Local Climate and Medication Habits",
                          "#4a2e1e", "#b98a5a", "#8a4e2a", "#3e2212", 0.60),
    "jiang-tai-forum.jpg": ("2020 Global Investment Services Forum and Foreign Embassies & Overseas "
                            "Industrial Parks' Promotion Information Release Hosted by Jiang Tai",
                            "#0e1430", "#2a3a78", "#3a1a24", "#14080c", 0.56),
    "catv-tv-shows.jpg": ("Quality Chinese TV Shows Edited and Translated by CATV Become a Big Hit "
                          "in the Arab World", "#171020", "#4a3048", "#5a3a2a", "#22140e", 0.70),
    "bcegi-dragon-boat.jpg": ("BCEGI UK Sponsors and Participates in Manchester Dragon Boat Race",
                              "#8d9aa6", "#dfe3e2", "#51605e", "#1f3236", 0.45),
    "bcegi-oil-spill.jpg": ("BCEGI Mauritius in Disaster Relief after the 2020 Mauritius Oil Spill",
                            "#4aa0d0", "#e6f0ea", "#2fa6a0", "#e4d2a6", 0.50),
    "bge-letpadaung-mine.jpg": ("BGE's Letpadaung Copper Mine Project in Monywa, Myanmar Wins 2020 China "
                                "Construction Engineering Luban Prize (Overseas Project)",
                                "#c7b08a", "#efe2c4", "#9a7a5a", "#6a4e36", 0.40),
}


def gradient(size, top, bottom):
    """Vertical two-colour gradient."""
    return ImageOps.colorize(Image.linear_gradient("L").resize(size), top, bottom)


def shade(colour, k):
    """Darken (k < 1) or lighten (k > 1) a colour given as '#rrggbb'."""
    return tuple(min(255, int(v * k)) for v in ImageColor.getrgb(colour))


def ridge(d, rng, y, amp, fill, bottom=H, step=60):
    """A hill line across the frame, filled down to `bottom`."""
    pts, h = [(0, bottom)], y
    for x in range(0, W + step, step):
        h = max(y - amp, min(y + amp / 3, h + rng.uniform(-amp, amp) * 0.25))
        pts.append((x, h))
    d.polygon(pts + [(W, bottom)], fill=fill)


def person(d, x, feet, h, fill, hat=None):
    """A standing figure seen from afar: head, shoulders, body, legs."""
    u = h / 8
    d.ellipse([x - u * 0.55, feet - h, x + u * 0.55, feet - h + u * 1.2], fill=fill)
    if hat:
        d.chord([x - u * 0.75, feet - h - u * 0.35, x + u * 0.75, feet - h + u * 0.8], 180, 360, fill=hat)
    d.rounded_rectangle([x - u * 1.1, feet - h + u * 1.3, x + u * 1.1, feet - u * 3.6], u * 0.6, fill=fill)
    for left in (-0.8, 0.1):  # legs
        d.rectangle([x + u * left, feet - u * 3.8, x + u * (left + 0.7), feet], fill=fill)


def scene(name, img, rng, hy, c):
    """Draw the subject of one picture; c is the palette tuple from PHOTOS."""
    d = ImageDraw.Draw(img)
    if name == "kenya-site-survey.jpg":
        ridge(d, rng, hy - 40, 60, shade(c[2], 0.75), hy + 2)
        d.polygon([(1300, H), (1700, H), (1540, hy), (1480, hy)], fill=shade(c[3], 1.25))  # dirt road
        poles = [(2600 - i * 420 * 0.8 ** i, 1250 * 0.72 ** i) for i in range(6)]
        for (x, h), (x2, h2) in zip(poles, poles[1:] + poles[-1:]):  # poles, cross-arms, two wires
            d.rectangle([x - h / 60, hy - h * 0.75, x + h / 60, hy + h * 0.25], fill=(45, 35, 30))
            d.rectangle([x - h / 7, hy - h * 0.7, x + h / 7, hy - h * 0.68], fill=(45, 35, 30))
            for side in (-1, 1):
                d.line([(x + side * h / 8, hy - h * 0.69), (x2 + side * h2 / 8, hy - h2 * 0.69)],
                       fill=(40, 35, 35), width=4)
        d.ellipse([300, hy - 420, 900, hy - 240], fill=(70, 85, 45))  # acacia crown
        d.rectangle([585, hy - 260, 615, hy + 10], fill=(60, 45, 35))
        for x, hat in ((1050, (240, 200, 40)), (1260, (245, 245, 240)), (1900, (240, 200, 40))):
            person(d, x, 1480 + rng.uniform(-30, 30), 520, (35, 30, 40), hat)
    elif name == "kenya-mechanics.jpg":
        d.rectangle([0, hy - 700, W, hy], fill=(215, 212, 200))  # workshop wall
        for x in range(100, W, 460):
            d.rectangle([x, hy - 620, x + 300, hy - 330], fill=(120, 150, 170))
        for i, x in enumerate(range(300, 2800, 310)):
            person(d, x + rng.uniform(-40, 40), 1750 - (i % 2) * 80, 820 + rng.uniform(-60, 60),
                   shade("#1f3a6a", rng.uniform(0.8, 1.2)), (235, 235, 230) if i % 3 else (240, 190, 30))
    elif name == "trt-tcm-plans.jpg":
        for x in range(150, W - 100, 300):  # cabinet of herb drawers
            for y in range(120, hy - 150, 210):
                d.rectangle([x, y, x + 270, y + 180], fill=shade(c[2], rng.uniform(0.85, 1.05)))
                d.ellipse([x + 120, y + 80, x + 150, y + 110], fill=(200, 170, 90))
        for i in range(5):
            x, y, r = 400 + i * 520, 1260 + rng.uniform(-50, 50), rng.uniform(180, 260)
            d.ellipse([x - r, y - r * 0.45, x + r, y + r * 0.45], fill=(235, 230, 215))
            d.ellipse([x - r * 0.8, y - r * 0.35, x + r * 0.8, y + r * 0.3],
                      fill=rng.choice([(120, 70, 40), (150, 110, 50), (90, 60, 45), (170, 60, 40)]))
    elif name == "jiang-tai-forum.jpg":
        d.rectangle([600, 200, 2400, 1000], fill=(40, 110, 190))  # stage screen
        d.rectangle([650, 250, 2350, 500], fill=(60, 140, 215))
        for y in range(600, 950, 90):
            d.line([(900, y), (2100, y)], fill=(170, 210, 240), width=18)
        d.rectangle([2550, 850, 2850, 1230], fill=(110, 40, 40))  # podium
        person(d, 2700, 1000, 500, (20, 15, 25))
        for r in range(4):  # backs of the audience, rows growing towards the camera
            s, y = 90 * (1 + r * 0.35), 1180 + r * 110 * (1 + r * 0.35)
            for x in range(int(-rng.uniform(0, s)), W + int(s), int(s * 1.5)):
                d.ellipse([x - s * 0.4, y - s, x + s * 0.4, y], fill=(12, 10, 16))
                d.pieslice([x - s * 0.9, y - s * 0.1, x + s * 0.9, y + s * 1.6], 180, 360, fill=(12, 10, 16))
    elif name == "catv-tv-shows.jpg":
        d.rounded_rectangle([650, 250, 2350, 1230], radius=20, fill=(15, 15, 18))  # television
        img.paste(gradient((1620, 900), "#e7a45a", "#3a6a8a"), (690, 290))
        d.polygon([(690, 1190), (1100, 850), (1500, 1000), (1900, 780), (2310, 1190)], fill=(50, 40, 60))
        d.rounded_rectangle([200, 1400, 2800, 2100], radius=120, fill=(80, 40, 50))  # sofa
        for x in (900, 1500, 2100):
            d.ellipse([x - 150, 1020, x + 150, 1360], fill=(10, 8, 12))
            d.pieslice([x - 330, 1280, x + 330, 1800], 180, 360, fill=(10, 8, 12))
    elif name == "bcegi-dragon-boat.jpg":
        for x in range(0, W, 210):  # brick skyline of the quay
            h = rng.uniform(150, 520)
            d.rectangle([x, hy - h, x + 200, hy], fill=shade("#8a4a38", rng.uniform(0.7, 1.1)))
            for wy in range(int(hy - h + 40), hy - 40, 70):
                d.rectangle([x + 30, wy, x + 170, wy + 30], fill=(60, 50, 50))
        for y in range(hy + 30, H, 60):
            d.line([(rng.uniform(-200, W), y), (rng.uniform(0, W + 200), y)], fill=shade(c[3], 1.3), width=6)
        for i, x in enumerate(range(450, 2600, 200)):  # seated crew with paddles
            person(d, x, 1250, 300, (25, 40, 80), (230, 200, 40) if i % 2 else None)
            d.line([(x + 20, 1060), (x - 120, 1330)], fill=(60, 40, 30), width=14)
        d.polygon([(200, 1150), (2800, 1150), (2650, 1280), (330, 1280)], fill=(200, 40, 40))  # hull
        d.polygon([(2800, 1150), (2980, 1030), (2900, 1180)], fill=(230, 180, 40))  # dragon head
    elif name == "bcegi-oil-spill.jpg":
        ridge(d, rng, hy - 120, 200, (60, 100, 70), hy + 2)
        for i in range(14):  # oil slick
            x, y, r = rng.uniform(200, 2800), rng.uniform(hy + 60, hy + 350), rng.uniform(100, 300)
            d.ellipse([x - r, y - r * 0.2, x + r, y + r * 0.2], fill=(30, 35, 30))
        ridge(d, rng, hy + 430, 120, shade(c[4], 1.0))
        d.line([(0, 1500), (W, 1380)], fill=(50, 45, 35), width=40)  # oil-stained tide line
        for x in range(500, 2700, 450):
            person(d, x + rng.uniform(-80, 80), 1640 - rng.uniform(0, 120), rng.uniform(440, 540),
                   (235, 238, 240), (40, 90, 160))
    else:  # bge-letpadaung-mine.jpg: terraced open pit with haul trucks
        ridge(d, rng, hy - 60, 140, shade(c[2], 0.8), hy + 2)
        for i in range(9):
            rx, ry = 1500 - i * 150, 520 - i * 55
            d.ellipse([1500 - rx, 1150 - ry, 1500 + rx, 1150 + ry], fill=shade(c[3], 1.1 - i * 0.07))
            d.arc([1500 - rx, 1150 - ry, 1500 + rx, 1150 + ry], 180, 360, fill=shade(c[3], 1.35), width=14)
        d.ellipse([1150, 1080, 1850, 1260], fill=(70, 120, 120))  # pit lake
        for x, y, s in ((500, 1560, 0.9), (2300, 1460, 0.7), (1900, 1250, 0.4)):
            d.rectangle([x, y - 160 * s, x + 420 * s, y], fill=(225, 185, 40))
            for wx in (x + 80 * s, x + 330 * s):
                d.ellipse([wx - 60 * s, y - 40 * s, wx + 60 * s, y + 80 * s], fill=(30, 30, 30))


def finish(img, rng, grain):
    """Soften the shapes, add a warm light source, darken the corners and add film grain."""
    img = img.filter(ImageFilter.GaussianBlur(3))
    glow = ImageOps.invert(Image.radial_gradient("L")).resize((W * 2, H * 2))
    cx, cy = int(rng.uniform(0.2, 0.8) * W), int(rng.uniform(0.1, 0.4) * H)
    glow = glow.crop((W - cx, H - cy, 2 * W - cx, 2 * H - cy)).point(lambda v: v * v // 600)
    img = ImageChops.screen(img, ImageOps.colorize(glow, (0, 0, 0), (255, 230, 180)))
    vignette = Image.radial_gradient("L").resize((W, H)).point(lambda v: min(170, max(0, (v - 110) * 4 // 3)))
    img = Image.composite(Image.new("RGB", (W, H), (10, 8, 6)), img, vignette)
    offset = ImageChops.offset(grain, rng.randrange(W), rng.randrange(H))
    return ImageChops.soft_light(img, offset)


def label(img, caption):
    """Translucent band with PLACEHOLDER PHOTO and the caption (about 7 pt when printed 8 cm wide)."""
    bold = ImageFont.truetype(str(FONTS / "Inter-Bold.otf"), 150)
    regular = ImageFont.truetype(str(FONTS / "Inter-Regular.otf"), 96)
    d = ImageDraw.Draw(img, "RGBA")
    lines = [""]
    for word in caption.split():
        if lines[-1] and d.textlength(f"{lines[-1]} {word}", font=regular) > W - 300:
            lines.append(word)
        else:
            lines[-1] = f"{lines[-1]} {word}".strip()
    top = H - 300 - 120 * len(lines)
    d.rectangle([0, top, W, H], fill=(0, 0, 0, 150))
    d.text((150, top + 50), "PLACEHOLDER PHOTO", font=bold, fill=(255, 255, 255))
    for i, text in enumerate(lines):
        d.text((150, top + 225 + 120 * i), text, font=regular, fill=(235, 235, 235))
    return img


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("images"), help="output folder (default: images/)")
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    # sRGB ICC profile; LittleCMS stamps it with the current time, so pin the header date.
    icc = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    icc[24:36] = struct.pack(">6H", 2023, 1, 30, 0, 0, 0)
    # effect_noise draws from C rand(), which cannot be seeded from Python: make one grain field
    # first thing (so it is the same on every run) and shift it per picture with the seeded rng.
    grain = Image.effect_noise((W // 2, H // 2), 14).resize((W, H), Image.Resampling.BICUBIC).convert("RGB")
    for name, palette in PHOTOS.items():
        caption, sky_top, sky_low, ground_far, ground_near, horizon = palette
        rng, hy = random.Random(name), int(horizon * H)
        img = Image.new("RGB", (W, H))
        img.paste(gradient((W, hy), sky_top, sky_low))
        img.paste(gradient((W, H - hy), ground_far, ground_near), (0, hy))
        scene(name, img, rng, hy, palette)
        img = label(finish(img, rng, grain), caption)
        img.save(out / name, "JPEG", quality=85, optimize=True, dpi=(300, 300), icc_profile=bytes(icc))
        print(f"{out / name}  {(out / name).stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
