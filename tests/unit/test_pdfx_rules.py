"""Every PDF/X acceptance rule (tests/pdfx_rules.py) on tiny synthetic files: one that satisfies
everything gets no finding, and for each rule a file that breaks only it gets that rule's
finding, so no rule can pass silently. Then the separations helper (tests/separations.py) on a
synthetic page whose inks are known."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from tests.pdfx_rules import X1A, X4, check_pdfx
from tests.separations import PROCESS, ink_in, separate, total_ink_max

PROFILE = Path(__file__).resolve().parents[2] / "layouts" / "brochure" / "profiles" / "FOGRA39L-coated.icc"
N = pikepdf.Name
XMP = {"pdfxid:GTS_PDFXVersion": "PDF/X-4", "xmp:CreateDate": "2024-01-01T00:00:00Z",
       "xmp:ModifyDate": "2024-01-02T00:00:00Z", "xmpMM:DocumentID": "uuid:1",
       "xmpMM:VersionID": "1", "xmpMM:RenditionClass": "default", "pdf:Trapped": "False",
       "dc:title": "A test"}


def xmp_packet(values: dict[str, str]) -> bytes:
    namespaces = {"pdfxid": "http://www.npes.org/pdfx/ns/id/", "xmp": "http://ns.adobe.com/xap/1.0/",
                  "xmpMM": "http://ns.adobe.com/xap/1.0/mm/", "pdf": "http://ns.adobe.com/pdf/1.3/",
                  "dc": "http://purl.org/dc/elements/1.1/"}
    declared = " ".join(f'xmlns:{p}="{u}"' for p, u in namespaces.items())
    body = "".join(
        f'<{k}><rdf:Alt><rdf:li xml:lang="x-default">{v}</rdf:li></rdf:Alt></{k}>' if k == "dc:title"
        else f"<{k}>{v}</{k}>" for k, v in values.items())
    return (f'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
            f'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            f'<rdf:Description rdf:about="" {declared}>{body}</rdf:Description></rdf:RDF>'
            f'</x:xmpmeta><?xpacket end="w"?>').encode()


def conforming(version: str) -> pikepdf.Pdf:
    """A one-page file that keeps every rule of ``version``: 200 x 200 pt media, bleed 10 pt in,
    trim 20 pt in, a 100 % K square, a FOGRA39 output intent, Info (and, for X-4, XMP)."""
    pdf = pikepdf.new()
    page = pikepdf.Dictionary(
        Type=N.Page, MediaBox=[0, 0, 200, 200], BleedBox=[10, 10, 190, 190], TrimBox=[20, 20, 180, 180],
        Resources=pikepdf.Dictionary(), Contents=pdf.make_stream(b"0 0 0 1 k 40 40 100 100 re f"))
    pdf.pages.append(pikepdf.Page(page))
    info = {"/Title": "A test", "/CreationDate": "D:20240101000000Z",
            "/ModDate": "D:20240102000000Z", "/Trapped": N("/False")}
    if version == X1A:
        info |= {"/GTS_PDFXVersion": "PDF/X-1:2003", "/GTS_PDFXConformance": "PDF/X-1a:2003"}
    else:
        info |= {"/GTS_PDFXVersion": "PDF/X-4"}
        pdf.Root.Metadata = pdf.make_stream(xmp_packet(XMP), Type=N.Metadata, Subtype=N.XML)
    for key, value in info.items():
        pdf.docinfo[key] = value
    profile = pdf.make_stream(PROFILE.read_bytes(), N=4)
    pdf.Root.OutputIntents = pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary(
        Type=N.OutputIntent, S=N.GTS_PDFX, OutputConditionIdentifier="FOGRA39",
        RegistryName="http://www.color.org", DestOutputProfile=profile))])
    return pdf


def save(pdf: pikepdf.Pdf, version: str, folder: Path, *, header: str | None = None,
         **options) -> Path:
    path = folder / "test.pdf"
    pdf.save(path, force_version=header or ("1.4" if version == X1A else "1.6"),
             object_stream_mode=pikepdf.ObjectStreamMode.disable, **options)
    return path


def findings(pdf, version, folder, **options) -> list[str]:
    return check_pdfx(save(pdf, version, folder, **options), version)


# ---------- what breaks each rule ----------

def page(pdf):
    return pdf.pages[0].obj


def draw(pdf, operators: bytes, **resources):
    """Append content to the page and set its resources of each kind given."""
    for kind, entries in resources.items():
        page(pdf).Resources[f"/{kind}"] = pikepdf.Dictionary(entries)
    page(pdf).Contents = pdf.make_stream(page(pdf).Contents.read_bytes() + b"\n" + operators)


def in_form(pdf, operators: bytes, **resources):
    """Draw ``operators`` inside a form XObject placed by the page: the walk must reach it."""
    form = pdf.make_stream(operators, Type=N.XObject, Subtype=N.Form, BBox=[0, 0, 200, 200],
                           Resources=pikepdf.Dictionary({f"/{k}": pikepdf.Dictionary(v)
                                                         for k, v in resources.items()}))
    draw(pdf, b"/Fm1 Do", XObject={"/Fm1": form})


def image(pdf, space, **extra):
    return pdf.make_stream(b"\x00" * 3, Type=N.XObject, Subtype=N.Image, Width=1, Height=1,
                           BitsPerComponent=8, ColorSpace=space, **extra)


def icc(pdf, components=3):
    return pikepdf.Array([N.ICCBased, pdf.make_stream(b"\x00" * 128, N=components)])


def annotation(pdf, subtype, rect, **extra):
    annot = pdf.make_indirect(pikepdf.Dictionary(Type=N.Annot, Subtype=subtype, Rect=rect, **extra))
    page(pdf).Annots = pikepdf.Array([annot])
    return annot


def intent(pdf):
    return pdf.Root.OutputIntents[0]


def set_xmp(pdf, **changes):
    values = {k: v for k, v in (XMP | changes).items() if v is not None}
    pdf.Root.Metadata = pdf.make_stream(xmp_packet(values), Type=N.Metadata, Subtype=N.XML)


def profile_header(pdf, device_class: bytes, space: bytes):
    data = bytearray(PROFILE.read_bytes())
    data[12:16], data[16:20] = device_class, space
    intent(pdf).DestOutputProfile = pdf.make_stream(bytes(data), N=4)


def unembedded_font():
    return pikepdf.Dictionary(Type=N.Font, Subtype=N.Type1, BaseFont=N.Helvetica)


def font_with(pdf, program_key: str, subtype=None):
    program = pdf.make_stream(b"\x00" * 16, **({"Subtype": subtype} if subtype else {}))
    descriptor = pikepdf.Dictionary(Type=N.FontDescriptor, FontName=N.Test, Flags=32,
                                    FontBBox=[0, 0, 1000, 1000], ItalicAngle=0, Ascent=800,
                                    Descent=-200, CapHeight=700, StemV=80)
    descriptor[program_key] = program
    return pikepdf.Dictionary(Type=N.Font, Subtype=N.Type1, BaseFont=N.Test, FontDescriptor=descriptor)


def shading(space):
    return pikepdf.Dictionary(ShadingType=2, ColorSpace=space, Coords=[0, 0, 1, 0],
                              Function=pikepdf.Dictionary(FunctionType=2, Domain=[0, 1],
                                                          C0=[0, 0, 0], C1=[1, 1, 1], N=1))


def tiling_pattern(pdf, operators: bytes):
    return pdf.make_stream(operators, Type=N.Pattern, PatternType=1, PaintType=1, TilingType=1,
                           BBox=[0, 0, 10, 10], XStep=10, YStep=10, Resources=pikepdf.Dictionary())


BOTH = (X1A, X4)

BREAKS = [
    # (name, versions, mutation, rule id or (rule id, other rules the break also breaks))
    ("x1a version string is the conformance", (X1A,),
     lambda pdf: pdf.docinfo.__setitem__("/GTS_PDFXVersion", "PDF/X-1a:2003"), "identification"),
    ("x1a conformance missing", (X1A,), lambda pdf: pdf.docinfo.__delitem__("/GTS_PDFXConformance"),
     "identification"),
    ("x4 info version wrong", (X4,), lambda pdf: pdf.docinfo.__setitem__("/GTS_PDFXVersion", "PDF/X-4p"),
     "identification"),
    ("x4 xmp version wrong", (X4,), lambda pdf: set_xmp(pdf, **{"pdfxid:GTS_PDFXVersion": "PDF/X-3:2003"}),
     "identification"),
    ("no title", BOTH, lambda pdf: pdf.docinfo.__delitem__("/Title"), "info"),
    ("no creation date", BOTH, lambda pdf: pdf.docinfo.__delitem__("/CreationDate"), "info"),
    ("no modification date", BOTH, lambda pdf: pdf.docinfo.__delitem__("/ModDate"), "info"),
    ("trapped unknown", (X1A,), lambda pdf: pdf.docinfo.__setitem__("/Trapped", N.Unknown), "trapped"),
    ("trapped unknown, xmp says false", (X4,), lambda pdf: pdf.docinfo.__setitem__("/Trapped", N.Unknown),
     ("trapped", "xmp")),
    ("trapped missing", BOTH, lambda pdf: pdf.docinfo.__delitem__("/Trapped"), "trapped"),
    ("no output intent", BOTH, lambda pdf: pdf.Root.__delitem__("/OutputIntents"), "output-intent"),
    ("two output intents", BOTH, lambda pdf: pdf.Root.OutputIntents.append(intent(pdf)), "output-intent"),
    ("no condition identifier", BOTH, lambda pdf: intent(pdf).__delitem__("/OutputConditionIdentifier"),
     "output-intent"),
    ("x4 without a profile", (X4,), lambda pdf: intent(pdf).__delitem__("/DestOutputProfile"),
     "output-intent"),
    ("x1a without profile or registry", (X1A,), lambda pdf: (intent(pdf).__delitem__("/DestOutputProfile"),
                                                           intent(pdf).__delitem__("/RegistryName")),
     "output-intent"),
    ("display profile", BOTH, lambda pdf: profile_header(pdf, b"mntr", b"CMYK"), "output-intent"),
    ("rgb output profile in x1a", (X1A,), lambda pdf: profile_header(pdf, b"prtr", b"RGB "), "output-intent"),
    ("x4 without xmp", (X4,), lambda pdf: pdf.Root.__delitem__("/Metadata"), ("xmp", "identification")),
    ("x4 xmp without create date", (X4,), lambda pdf: set_xmp(pdf, **{"xmp:CreateDate": None}), "xmp"),
    ("x4 xmp without modify date", (X4,), lambda pdf: set_xmp(pdf, **{"xmp:ModifyDate": None}), "xmp"),
    ("x4 xmp without version id", (X4,), lambda pdf: set_xmp(pdf, **{"xmpMM:VersionID": None}), "xmp"),
    ("x4 xmp title differs", (X4,), lambda pdf: set_xmp(pdf, **{"dc:title": "Another"}), "xmp"),
    ("x4 xmp trapped differs", (X4,), lambda pdf: set_xmp(pdf, **{"pdf:Trapped": "True"}), "xmp"),
    ("javascript open action", BOTH, lambda pdf: pdf.Root.__setitem__("/OpenAction", pikepdf.Dictionary(
        S=N.JavaScript, JS="app.alert(1)")), "actions"),
    ("javascript name tree", BOTH, lambda pdf: pdf.Root.__setitem__("/Names", pikepdf.Dictionary(
        JavaScript=pikepdf.Dictionary(Names=pikepdf.Array()))), "actions"),
    ("launch action outside the bleed", BOTH, lambda pdf: annotation(
        pdf, N.Link, [0, 0, 5, 5], A=pikepdf.Dictionary(S=N.Launch, F="calc.exe")), "actions"),
    ("submit form action", BOTH, lambda pdf: annotation(
        pdf, N.Link, [0, 0, 5, 5], A=pikepdf.Dictionary(S=N.SubmitForm, F="http://x")), "actions"),
    ("page additional actions", BOTH, lambda pdf: page(pdf).__setitem__("/AA", pikepdf.Dictionary(
        O=pikepdf.Dictionary(S=N.JavaScript, JS="1"))), "actions"),
    ("no trim box", BOTH, lambda pdf: page(pdf).__delitem__("/TrimBox"), "boxes"),
    ("trim and art box", BOTH, lambda pdf: page(pdf).__setitem__("/ArtBox", [20, 20, 180, 180]), "boxes"),
    ("bleed beyond media", BOTH, lambda pdf: page(pdf).__setitem__("/BleedBox", [-5, 10, 190, 190]),
     "boxes"),
    ("trim beyond bleed", BOTH, lambda pdf: page(pdf).__setitem__("/TrimBox", [5, 20, 180, 180]), "boxes"),
    ("link inside the trim", BOTH, lambda pdf: annotation(pdf, N.Link, [50, 50, 60, 60]), "annotations"),
    ("link in the bleed only", BOTH, lambda pdf: annotation(pdf, N.Link, [12, 100, 15, 110]), "annotations"),
    ("widget inside the trim", BOTH, lambda pdf: pdf.Root.__setitem__("/AcroForm", pikepdf.Dictionary(
        Fields=[annotation(pdf, N.Widget, [50, 50, 60, 60], FT=N.Btn, T="b")])), "annotations"),
    ("font not embedded", BOTH, lambda pdf: draw(pdf, b"BT /F1 12 Tf (a) Tj ET",
                                                   Font={"/F1": unembedded_font()}), "fonts-embedded"),
    ("font not embedded in a form", BOTH, lambda pdf: in_form(pdf, b"BT /F1 12 Tf (a) Tj ET",
                                                             Font={"/F1": unembedded_font()}),
     "fonts-embedded"),
    ("opentype font program in x1a", (X1A,), lambda pdf: draw(
        pdf, b"BT /F1 12 Tf (a) Tj ET", Font={"/F1": font_with(pdf, "/FontFile3", N.OpenType)}),
     "font-program"),
    ("rgb operator", (X1A,), lambda pdf: draw(pdf, b"1 0 0 rg 0 0 5 5 re f"), "colour"),
    ("gray is fine but rgb stroke is not", (X1A,), lambda pdf: draw(pdf, b"0.5 g 1 0 0 RG"), "colour"),
    ("icc colour space resource", (X1A,), lambda pdf: draw(pdf, b"/C1 cs 1 0 0 scn",
                                                           ColorSpace={"/C1": icc(pdf)}), "colour"),
    ("icc cmyk colour space", (X1A,), lambda pdf: draw(pdf, b"", ColorSpace={"/C1": icc(pdf, 4)}), "colour"),
    ("lab alternate of a spot colour", (X1A,), lambda pdf: draw(pdf, b"", ColorSpace={"/C1": pikepdf.Array([
        N.Separation, N.Spot, pikepdf.Array([N.Lab, pikepdf.Dictionary(WhitePoint=[0.9505, 1, 1.089])]),
        pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=[100, 0, 0], C1=[50, 60, 40], N=1)])}),
     "colour"),
    ("rgb image", (X1A,), lambda pdf: draw(pdf, b"/Im1 Do", XObject={"/Im1": image(pdf, N.DeviceRGB)}),
     "colour"),
    ("indexed over rgb image", (X1A,), lambda pdf: draw(pdf, b"/Im1 Do", XObject={"/Im1": image(
        pdf, pikepdf.Array([N.Indexed, N.DeviceRGB, 0, b"\x00\x00\x00"]))}), "colour"),
    ("lab shading", (X1A,), lambda pdf: draw(pdf, b"/Sh1 sh", Shading={"/Sh1": shading(
        pikepdf.Array([N.Lab, pikepdf.Dictionary(WhitePoint=[0.9505, 1, 1.089])]))}), "colour"),
    ("rgb inline image", (X1A,), lambda pdf: draw(
        pdf, b"BI /W 1 /H 1 /BPC 8 /CS /RGB ID \x00\x00\x00 EI"), "colour"),
    ("rgb in a form", (X1A,), lambda pdf: in_form(pdf, b"0 1 0 rg"), "colour"),
    ("rgb in a tiling pattern", (X1A,), lambda pdf: draw(
        pdf, b"/Pattern cs /P1 scn", Pattern={"/P1": tiling_pattern(pdf, b"0 0 1 rg 0 0 5 5 re f")}),
     "colour"),
    ("rgb in an annotation appearance outside the bleed", (X1A,), lambda pdf: annotation(
        pdf, N.Square, [0, 0, 5, 5], AP=pikepdf.Dictionary(N=pdf.make_stream(
            b"1 0 0 rg 0 0 5 5 re f", Type=N.XObject, Subtype=N.Form, BBox=[0, 0, 5, 5]))),
     "colour"),
    ("device rgb with a cmyk intent in x4", (X4,), lambda pdf: draw(pdf, b"1 0 0 rg 0 0 5 5 re f"), "colour"),
    ("rgb image with a cmyk intent in x4", (X4,), lambda pdf: draw(
        pdf, b"/Im1 Do", XObject={"/Im1": image(pdf, N.DeviceRGB)}), "colour"),
    ("constant alpha", (X1A,), lambda pdf: draw(pdf, b"/G1 gs", ExtGState={"/G1": pikepdf.Dictionary(ca=0.5)}),
     "transparency"),
    ("stroke alpha in a form", (X1A,), lambda pdf: in_form(
        pdf, b"/G1 gs", ExtGState={"/G1": pikepdf.Dictionary(CA=0.5)}), "transparency"),
    ("soft mask", (X1A,), lambda pdf: draw(pdf, b"/G1 gs", ExtGState={"/G1": pikepdf.Dictionary(
        SMask=pikepdf.Dictionary(S=N.Luminosity, G=pdf.make_stream(b"", Subtype=N.Form, BBox=[0, 0, 1, 1])))}),
     "transparency"),
    ("blend mode", (X1A,), lambda pdf: draw(pdf, b"/G1 gs", ExtGState={"/G1": pikepdf.Dictionary(
        BM=N.Multiply)}), "transparency"),
    ("image soft mask", (X1A,), lambda pdf: draw(pdf, b"/Im1 Do", XObject={"/Im1": image(
        pdf, N.DeviceCMYK, SMask=image(pdf, N.DeviceGray))}), "transparency"),
    ("transparency group", (X1A,), lambda pdf: page(pdf).__setitem__("/Group", pikepdf.Dictionary(
        S=N.Transparency, CS=N.DeviceCMYK)), "transparency"),
]


@pytest.mark.parametrize("version", BOTH)
def test_a_conforming_file_has_no_finding(version, tmp_path):
    assert findings(conforming(version), version, tmp_path) == []


@pytest.mark.parametrize("name, version, mutate, rule", [
    pytest.param(name, version, mutate, rule, id=f"{version}-{name}")
    for name, versions, mutate, rule in BREAKS for version in versions])
def test_each_rule_reports_what_breaks_it(name, version, mutate, rule, tmp_path):
    rule, *also = (rule,) if isinstance(rule, str) else rule
    pdf = conforming(version)
    mutate(pdf)
    found = findings(pdf, version, tmp_path)
    assert any(f.startswith(f"[{rule}]") for f in found), found
    assert all(f[1:].split("]")[0] in (rule, *also) for f in found), found  # nothing else broke


@pytest.mark.parametrize("version, header", [(X1A, "1.5"), (X1A, "1.2"), (X4, "1.7")])
def test_the_header_version_is_limited(version, header, tmp_path):
    found = check_pdfx(save(conforming(version), version, tmp_path, header=header), version)
    assert found and all(f.startswith("[pdf-version]") for f in found), found


def test_the_catalog_version_raises_the_header(tmp_path):
    pdf = conforming(X1A)
    pdf.Root.Version = N("/1.6")
    assert [f[:13] for f in findings(pdf, X1A, tmp_path)] == ["[pdf-version]"]


@pytest.mark.parametrize("version", BOTH)
def test_a_file_without_a_trailer_id_is_refused(version, tmp_path):
    path = save(conforming(version), version, tmp_path)
    data = path.read_bytes()
    start = data.rindex(b"/ID [")
    end = data.index(b"]", start) + 1
    path.write_bytes(data[:start] + b" " * (end - start) + data[end:])  # offsets unchanged
    assert check_pdfx(path, version) == ["[id] the trailer has no /ID pair"]


@pytest.mark.parametrize("version", BOTH)
def test_an_encrypted_file_is_refused(version, tmp_path):
    found = findings(conforming(version), version, tmp_path,
                     encryption=pikepdf.Encryption(owner="owner", user="", R=3, aes=False, metadata=False))
    assert "[encryption] the file is encrypted" in found


@pytest.mark.parametrize("name, version, mutate", [
    ("x1a names a registered condition without a profile", X1A,
     lambda pdf: intent(pdf).__delitem__("/DestOutputProfile")),
    ("a printer's mark on the page", X1A, lambda pdf: annotation(pdf, N.PrinterMark, [50, 50, 60, 60])),
    ("a link outside the bleed", X4, lambda pdf: annotation(pdf, N.Link, [0, 0, 8, 8],
                                                            A=pikepdf.Dictionary(S=N.URI, URI="http://a"))),
    ("x4 without the optional Info version", X4, lambda pdf: pdf.docinfo.__delitem__("/GTS_PDFXVersion")),
    ("an art box instead of a trim box", X1A, lambda pdf: page(pdf).__setitem__(
        "/ArtBox", page(pdf).TrimBox) or page(pdf).__delitem__("/TrimBox")),
    ("a type 3 font is not embedded", X1A, lambda pdf: draw(pdf, b"", Font={"/F1": pikepdf.Dictionary(
        Type=N.Font, Subtype=N.Type3, FontBBox=[0, 0, 1, 1], FontMatrix=[1, 0, 0, 1, 0, 0],
        CharProcs=pikepdf.Dictionary(a=pdf.make_stream(b"0 0 0 1 k 0 0 1 1 re f")), Encoding=pikepdf.Dictionary(
            Differences=[97, N.a]), FirstChar=97, LastChar=97, Widths=[1])})),
    ("cff font program in x1a", X1A, lambda pdf: draw(pdf, b"", Font={"/F1": font_with(pdf, "/FontFile3", N.Type1C)})),
    ("opentype font program in x4", X4, lambda pdf: draw(pdf, b"", Font={"/F1": font_with(
        pdf, "/FontFile3", N.OpenType)})),
    ("spot and registration colours in x1a", X1A, lambda pdf: draw(pdf, b"/C1 cs 1 scn", ColorSpace={
        "/C1": pikepdf.Array([N.Separation, N.All, N.DeviceCMYK, pikepdf.Dictionary(
            FunctionType=2, Domain=[0, 1], C0=[0, 0, 0, 0], C1=[1, 1, 1, 1], N=1)])})),
    ("icc colour and transparency in x4", X4, lambda pdf: draw(pdf, b"/C1 cs 1 0 0 scn /G1 gs", ColorSpace={
        "/C1": icc(pdf)}, ExtGState={"/G1": pikepdf.Dictionary(ca=0.5, BM=N.Multiply)})),
    ("overprint in x1a", X1A, lambda pdf: draw(pdf, b"/G1 gs", ExtGState={"/G1": pikepdf.Dictionary(
        OP=True, op=True, OPM=1)})),
])
def test_what_the_standards_allow_is_not_reported(name, version, mutate, tmp_path):
    pdf = conforming(version)
    mutate(pdf)
    assert findings(pdf, version, tmp_path) == []


# ---------- separations ----------

REGISTRATION = pikepdf.Array([N.Separation, N.All, N.DeviceCMYK, pikepdf.Dictionary(
    FunctionType=2, Domain=[0, 1], C0=[0, 0, 0, 0], C1=[1, 1, 1, 1], N=1)])


@pytest.fixture(scope="module")
def plates(tmp_path_factory):
    """A page at 72 dpi (1 px = 1 pt): a 100 % K square (20..60), a rich-black patch C60 M40 Y40
    K100 (120..160), a registration mark outside the bleed, a 100 % K square overprinting a cyan
    one (OP/OPM 1) and a spot colour patch."""
    pdf = conforming(X4)
    page(pdf).Contents = pdf.make_stream(b"")
    draw(pdf, b"""
        q 0 0 0 1 k 20 20 40 40 re f Q
        q 0.6 0.4 0.4 1 k 120 20 40 40 re f Q
        q /Reg cs 1 scn 0 100 6 1 re f Q
        q 1 0 0 0 k 20 120 40 40 re f /OP gs 0 0 0 1 k 40 120 40 40 re f Q
        q /Spot cs 1 scn 120 120 20 20 re f Q""",
         ColorSpace={"/Reg": REGISTRATION, "/Spot": pikepdf.Array([
             N.Separation, N("/PANTONE 185 C"), N.DeviceCMYK, pikepdf.Dictionary(
                 FunctionType=2, Domain=[0, 1], C0=[0, 0, 0, 0], C1=[0, 1, 0.8, 0], N=1)])},
         ExtGState={"/OP": pikepdf.Dictionary(OP=True, op=True, OPM=1)})
    return separate(save(pdf, X4, tmp_path_factory.mktemp("separations")), 1, resolution=72)


def pixels(x0, y0, x1, y1):
    """A PDF rectangle on the 200 pt page at 72 dpi as a pixel box (y downwards)."""
    return (x0, 200 - y1, x1, 200 - y0)


def test_separations_map_the_page_boxes_to_pixels(plates):
    assert plates.pixels([20, 120, 60, 160]) == pixels(20, 120, 60, 160) == (20, 40, 60, 80)
    assert plates.boxes == {"MediaBox": (0, 0, 200, 200), "BleedBox": (10, 10, 190, 190),
                            "TrimBox": (20, 20, 180, 180)}
    assert sorted(plates.plates) == sorted([*PROCESS, "PANTONE 185 C"])


def test_100_percent_black_is_only_on_the_black_plate(plates):
    square = pixels(22, 22, 58, 58)
    assert ink_in(plates.plates, "Black", square) == 100
    assert [ink_in(plates.plates, p, square) for p in ("Cyan", "Magenta", "Yellow", "PANTONE 185 C")] == [0] * 4


def test_rich_black_reads_240_percent_total_ink(plates):
    patch = pixels(122, 22, 158, 58)
    assert total_ink_max(plates.plates, patch) == pytest.approx(240, abs=1)
    assert ink_in(plates.plates, "Cyan", patch) == pytest.approx(60, abs=0.5)


def test_an_isolated_pixel_can_be_ignored(plates):
    mark = pixels(0, 99, 8, 102)  # the registration line is one pixel high: 500 % on 5 plates
    assert total_ink_max(plates.plates, mark, ignore_isolated=False) == pytest.approx(500, abs=1)
    assert total_ink_max(plates.plates, mark) == 0


def test_registration_colour_is_on_every_plate(plates):
    mark = pixels(0, 100, 6, 101)
    assert all(ink_in(plates.plates, p, mark) == 100 for p in plates.plates)


def test_overprinting_black_leaves_the_cyan_under_it(plates):
    overlap = pixels(42, 122, 58, 158)
    assert ink_in(plates.plates, "Cyan", overlap) == 100 and ink_in(plates.plates, "Black", overlap) == 100
    assert ink_in(plates.plates, "Cyan", pixels(62, 122, 78, 158)) == 0


def test_a_spot_colour_has_its_own_plate(plates):
    patch = pixels(122, 122, 138, 138)
    assert ink_in(plates.plates, "PANTONE 185 C", patch) == 100
    assert ink_in(plates.plates, "Magenta", patch) == 0
