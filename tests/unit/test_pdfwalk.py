"""pressroom.pdfwalk: every content owner of a PDF once, with what its resources name."""

from __future__ import annotations

import pikepdf
from pikepdf import Dictionary, Name

from pressroom.pdfwalk import ResourceWalker, page_resources, resource


class Recorder(ResourceWalker):
    def __init__(self):
        super().__init__()
        self.met: list[tuple] = []

    def owner(self, obj, resources, page):
        self.met.append(("page" if page is not None else str(obj.get("/Subtype", "pattern")),
                         obj.objgen))

    def image(self, xobjects, name, image, first):
        self.met.append(("image", name, first))

    def shading(self, shading):
        self.met.append(("shading", int(shading.ShadingType)))


def two_pages() -> pikepdf.Pdf:
    """Page 1 draws a form (holding an image and a tiling pattern with a shading pattern
    beside it); page 2 inherits resources naming the same form and image from the page tree."""
    pdf = pikepdf.new()
    image = pdf.make_stream(b"\xff\x00\x00", Type=Name.XObject, Subtype=Name.Image, Width=1,
                            Height=1, ColorSpace=Name.DeviceRGB, BitsPerComponent=8)
    shading = pdf.make_indirect(Dictionary(ShadingType=2, ColorSpace=Name.DeviceRGB,
                                           Coords=[0, 0, 1, 0], Function=Dictionary(
                                               FunctionType=2, Domain=[0, 1], C0=[0, 0, 0],
                                               C1=[1, 1, 1], N=1)))
    tile = pdf.make_stream(b"0 0 1 1 re f", Type=Name.Pattern, PatternType=1, PaintType=1,
                           TilingType=1, BBox=[0, 0, 1, 1], XStep=1, YStep=1,
                           Resources=Dictionary())
    form = pdf.make_stream(b"/Im0 Do", Type=Name.XObject, Subtype=Name.Form, BBox=[0, 0, 9, 9],
                           Resources=Dictionary(
                               XObject=Dictionary(Im0=image),
                               Pattern=Dictionary(P0=tile, P1=Dictionary(PatternType=2,
                                                                         Shading=shading))))
    shared = Dictionary(XObject=Dictionary(Fm0=form, Im1=image), Shading=Dictionary(Sh0=shading))
    pdf.add_blank_page()
    pdf.add_blank_page()
    pdf.pages[0].obj.Resources = shared
    pdf.pages[0].obj.Contents = pdf.make_stream(b"/Fm0 Do")
    del pdf.pages[1].obj["/Resources"]
    pdf.Root.Pages.Resources = shared  # inherited by page 2
    return pdf


def test_each_owner_is_visited_once_before_what_its_resources_name():
    pdf = two_pages()
    walk = Recorder()
    walk.walk(pdf)
    pages = [page.obj.objgen for page in pdf.pages]
    form = pdf.pages[0].obj.Resources.XObject.Fm0
    tile = form.Resources.Pattern.P0
    assert walk.met == [
        ("page", pages[0]),
        ("/Form", form.objgen), ("image", "/Im0", True), ("pattern", tile.objgen),
        ("shading", 2),                     # of the shading pattern P1
        ("image", "/Im1", False),           # the same image, under another name
        ("shading", 2),                     # the page's /Shading
        ("page", pages[1]),                 # its inherited resources: nothing new but shadings
        ("image", "/Im1", False), ("shading", 2)]


def test_page_resources_are_inherited_and_named_resources_found():
    pdf = two_pages()
    assert page_resources(pdf.pages[1]) == pdf.Root.Pages.Resources
    resources = page_resources(pdf.pages[0])
    assert resource(resources, "/XObject", Name("/Fm0")).objgen == \
        resources.XObject.Fm0.objgen
    assert resource(resources, "/XObject", Name("/Missing")) is None
    assert resource(resources, "/Font", Name("/F1")) is None
    assert resource(None, "/XObject", Name("/Fm0")) is None
