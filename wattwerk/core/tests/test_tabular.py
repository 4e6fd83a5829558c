"""Reading uploaded CSV files as they stream: the encoding is settled over the whole file, not
its beginning."""

import io

from wattwerk.core.tabular import BLOCK, read_file


def test_a_windows_umlaut_after_the_first_block_decides_the_encoding():
    filler = "".join(f"Firma {n};Musterstadt\r\n" for n in range(BLOCK // 10))
    raw = ("Firma;Ort\r\n" + filler + "Müller GmbH;Düsseldorf\r\n").encode("cp1252")
    assert len(raw) > 2 * BLOCK
    rows = list(read_file(io.BytesIO(raw)))
    assert rows[-1] == (len(rows), ["Müller GmbH", "Düsseldorf"])
    assert rows[0] == (1, ["Firma", "Ort"])


def test_utf8_with_a_bom_and_the_file_stays_open():
    upload = io.BytesIO("\ufeffFirma;Ort\nKühn & Söhne;Köln\n".encode())
    assert list(read_file(upload)) == [(1, ["Firma", "Ort"]), (2, ["Kühn & Söhne", "Köln"])]
    assert not upload.closed
    upload.seek(0)  # the importer reads it twice
    assert len(list(read_file(upload))) == 2


def test_a_file_closed_before_its_rows_are_read_to_the_end_is_no_error():
    upload = io.BytesIO(b"Firma;Ort\nA;B\nC;D\n")
    rows = read_file(upload)
    assert next(rows) == (1, ["Firma", "Ort"])
    upload.close()
    rows.close()  # as when the generator is collected
