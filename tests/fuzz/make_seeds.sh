#!/usr/bin/env bash
# Regenerates the seed corpus of fuzz_decode in tests/fuzz/corpus/fuzz_decode: small JPEG and PNG files
# covering the decoder paths (baseline/progressive/4:4:4/grey/CMYK/restart
# markers/EXIF orientation; PNG 1..16-bit grey, RGB, RGBA, palette + tRNS,
# interlaced), WebP (lossy, lossless, with alpha), files carrying photoagent's
# text metadata (PNG iTXt, JPEG COM, WebP VP8X + XMP) plus a few hostile
# headers. Needs ImageMagick with WebP support (bench/test only).
set -euo pipefail
out=${1:-$(dirname "$0")/corpus/fuzz_decode}
mkdir -p "$out"
im=/usr/bin/convert
src="-size 24x16 gradient:red-blue -swirl 90"
$im $src -quality 80 "$out/baseline420.jpg"
$im $src -quality 80 -sampling-factor 1x1 "$out/baseline444.jpg"
$im $src -quality 80 -sampling-factor 2x1 "$out/baseline422.jpg"
$im $src -quality 80 -interlace JPEG "$out/progressive.jpg"
$im $src -quality 80 -colorspace Gray "$out/grey.jpg"
$im $src -quality 80 -colorspace CMYK "$out/cmyk.jpg"
$im -size 40x9 gradient: -quality 60 "$out/wide.jpg"
$im $src -depth 8 "PNG24:$out/rgb8.png"
$im $src -alpha set -channel A -evaluate set 50% +channel -depth 8 "PNG32:$out/rgba8.png"
$im $src -depth 16 "PNG48:$out/rgb16.png"
$im $src -alpha set -channel A -evaluate set 30% +channel -depth 16 "PNG64:$out/rgba16.png"
$im $src -colorspace Gray -depth 8 "PNG8:$out/grey8.png"
$im $src -colorspace Gray -depth 16 "$out/grey16.png"
$im $src -colorspace Gray -threshold 50% -depth 1 "$out/grey1.png"
$im $src -colors 4 -depth 2 "$out/palette2.png"
$im $src -colors 16 -transparent "#0000ff" "PNG8:$out/palette_trns.png"
$im $src -colorspace Gray -alpha set -channel A -evaluate set 40% +channel "$out/greyalpha.png"
$im $src -interlace PNG "$out/interlaced.png"
$im $src -quality 80 "$out/lossy.webp"
$im $src -define webp:lossless=true "$out/lossless.webp"
$im $src -alpha set -channel A -evaluate set 50% +channel -define webp:lossless=true "$out/lossless_alpha.webp"
$im $src -alpha set -channel A -evaluate set 50% +channel -quality 80 "$out/lossy_alpha.webp"
# EXIF orientation (both byte orders, behind JFIF and XMP APP segments), a DRI
# marker without RST markers, and hostile headers: a PNG claiming
# 30000x30000, a JPEG whose SOF claims 30000x30000.
python3 - "$out" <<'PY'
import struct, sys, zlib
out = sys.argv[1]
def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 30000, 30000, 8, 6, 0, 0, 0))
png += chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
open(out + "/huge_header.png", "wb").write(png)
j = bytearray(open(out + "/baseline420.jpg", "rb").read())
i = j.find(b"\xff\xc0")
j[i + 5:i + 9] = struct.pack(">HH", 30000, 30000)
open(out + "/huge_header.jpg", "wb").write(bytes(j))
base = open(out + "/baseline420.jpg", "rb").read()
def seg(marker, payload): return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload
def tiff(le, orientation):
    e = "<" if le else ">"
    ifd0 = struct.pack(e + "H", 2) + struct.pack(e + "HHII", 0x010F, 2, 4, 0x41424300 if not le else 0x00434241)
    ifd0 += struct.pack(e + "HHI", 0x0112, 3, 1) + struct.pack(e + "HH", orientation, 0) + struct.pack(e + "I", 0)
    return (b"II*\0" if le else b"MM\0*") + struct.pack(e + "I", 8) + ifd0
xmp = seg(0xE1, b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>")
open(out + "/exif6_mm.jpg", "wb").write(base[:2] + seg(0xE1, b"Exif\0\0" + tiff(False, 6)) + base[2:])
open(out + "/exif8_ii_after_xmp.jpg", "wb").write(base[:2] + xmp + seg(0xE1, b"Exif\0\0" + tiff(True, 8)) + base[2:])
sos = base.find(b"\xff\xda")
open(out + "/dri.jpg", "wb").write(base[:sos] + b"\xff\xdd\x00\x04\x00\x01" + base[sos:])
# WebP: a VP8X header alone claiming 16000x16000, and one flagged animated.
def riff(body): return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body
def webp_chunk(t, d): return t + struct.pack("<I", len(d)) + d + (b"\0" if len(d) % 2 else b"")
def vp8x(flags, w, h): return webp_chunk(b"VP8X", bytes([flags, 0, 0, 0]) + (w - 1).to_bytes(3, "little") + (h - 1).to_bytes(3, "little"))
open(out + "/huge_header.webp", "wb").write(riff(vp8x(0, 16000, 16000)))
open(out + "/animated_header.webp", "wb").write(riff(vp8x(2, 10, 10)))
# Metadata as embed_text_metadata writes it (key "photoagent").
text = b'{"prompt":"a cat","seed":7}'
rgb = open(out + "/rgb8.png", "rb").read()
itxt = chunk(b"iTXt", b"photoagent\0\0\0\0\0" + text)
open(out + "/meta_itxt.png", "wb").write(rgb[:33] + itxt + rgb[33:])
app0 = 4 + struct.unpack(">H", base[4:6])[0]
open(out + "/meta_com.jpg", "wb").write(base[:app0] + seg(0xFE, b"photoagent: " + text) + base[app0:])
lossy = open(out + "/lossy.webp", "rb").read()
ns = b"http://ns.photoagent.invalid/1.0/"
xmp = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
       b'<rdf:Description rdf:about="" xmlns:photoagent="' + ns + b'"><photoagent:photoagent>'
       + text.replace(b"&", b"&amp;") + b"</photoagent:photoagent></rdf:Description></rdf:RDF></x:xmpmeta>")
open(out + "/meta_xmp.webp", "wb").write(riff(vp8x(4, 24, 16) + lossy[12:] + webp_chunk(b"XMP ", xmp)))
PY
ls -l "$out"
