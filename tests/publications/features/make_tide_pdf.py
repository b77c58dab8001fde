"""Write images/tide-chart.pdf, the features publication's PDF figure: one page, 90 x 45 mm,
drawn by hand as a PDF content stream (a green bar chart, an axis and a label in Helvetica),
with a TrimBox inside a larger MediaBox as exported drawings often have.

    .venv/bin/python tests/publications/features/make_tide_pdf.py
"""

from pathlib import Path

import pikepdf

MM = 72 / 25.4
HERE = Path(__file__).parent


def main() -> None:
    pdf = pikepdf.new()
    width, height, margin = 90 * MM, 45 * MM, 5 * MM
    page = pdf.add_blank_page(page_size=(width + 2 * margin, height + 2 * margin))
    page.obj.TrimBox = pikepdf.Array([margin, margin, margin + width, margin + height])
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font,
                                                Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    bars = "".join(f"{margin + 10 + i * 24:.2f} {margin + 12:.2f} 14 {h:.2f} re\n"
                   for i, h in enumerate((30, 55, 80, 48, 20, 64, 92, 40, 16, 70)[:10]))
    content = (f"q 0 0.6 0.3 rg\n{bars}f Q\n"
               f"q 0 0 0 RG 1.5 w {margin + 6:.2f} {margin + 12:.2f} m "
               f"{margin + width - 4:.2f} {margin + 12:.2f} l S Q\n"
               f"BT /F1 9 Tf 0 0 0 rg {margin + 8:.2f} {margin + 3:.2f} Td (High water, "
               "hour by hour) Tj ET\n")
    page.obj.Contents = pdf.make_stream(content.encode())
    pdf.save(HERE / "images" / "tide-chart.pdf", deterministic_id=True)


if __name__ == "__main__":
    main()
