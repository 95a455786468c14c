"""Every kind of bad input gets an error naming the file and the problem; a batch goes on past it."""

import gzip
import json

import pytest

from samestory.errors import (BinaryInputError, EmptyInputError, EncodingError, MalformedInputError,
                              NoArticleTextError, TooLargeError)
from samestory.present.cli import EXIT_INPUT, EXIT_SKIPPED, main
from samestory.read import iter_articles, read

GOOD = "Crane topples\n\nA container crane toppled onto an empty quay in Rotterdam on Tuesday, officials said at noon.\n"


@pytest.fixture
def bad_files(tmp_path):
    files = {
        "empty.txt": (b"", EmptyInputError, "empty"),
        "blank.txt": (b"  \n\n \n", EmptyInputError, "empty"),
        "image.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR" + bytes(200), BinaryInputError, "PNG image"),
        "packed.html": (gzip.compress(b"<html>hello</html>"), BinaryInputError, "gzip"),
        "latin1.txt": ("Crane topples in Zürich, officials said. Señor García était là à l'été, naïve façade.".encode("cp1252"),
                       EncodingError, "not valid utf-8"),
        "broken.json": (b'{"title": "x", "text": "unterminated', MalformedInputError, "invalid JSON"),
        "notarticle.json": (json.dumps({"title": "only a title"}).encode(), NoArticleTextError, "no text field"),
        "nav.html": (b"<html><head><title>Menu</title></head><body><nav><a href='/'>Home</a> <a href='/b'>B</a></nav>"
                     b"<form><input name='q'></form></body></html>", NoArticleTextError, "words of main text"),
        "garbage.html": (b"<<<>>> <p <div <<</ht", NoArticleTextError, "no main text"),
        "three_words.txt": (b"just three words", NoArticleTextError, "only 3 words of main text"),
        "prose.html": (GOOD.encode(), MalformedInputError, "not an HTML document"),
    }
    for name, (data, _, _) in files.items():
        (tmp_path / name).write_bytes(data)
    return tmp_path, files


def test_each_bad_file_has_a_clear_error(bad_files):
    folder, files = bad_files
    for name, (_, exc, words) in files.items():
        with pytest.raises(exc) as e:
            read(folder / name)
        assert str(folder / name) in str(e.value), name
        assert words.lower() in str(e.value).lower(), (name, str(e.value))


def test_encoding_error_suggests_a_fix_and_encoding_option_reads_it(bad_files):
    folder, _ = bad_files
    with pytest.raises(EncodingError, match="--encoding"):
        read(folder / "latin1.txt")
    assert "Zürich" in read(folder / "latin1.txt", encoding="cp1252").text


def test_huge_file_is_refused_without_reading_it(tmp_path):
    big = tmp_path / "huge.txt"
    with open(big, "wb") as f:
        f.truncate(50 * 1024 * 1024)  # 50 MB, sparse: the size check must come before reading
    with pytest.raises(TooLargeError, match=r"52\.4 MB, the limit is"):
        read(big)


def test_batch_goes_on_past_bad_files(bad_files):
    folder, files = bad_files
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    errors = []
    arts = list(iter_articles([folder], on_error=errors.append))
    assert [a.source for a in arts] == [str(folder / "good.txt")]
    assert len(errors) == len(files)


def test_cli_reports_and_exit_codes(bad_files, capsys):
    folder, _ = bad_files
    assert main(["read", str(folder / "broken.json")]) == EXIT_SKIPPED
    assert main(["compare", str(folder / "empty.txt"), str(folder / "blank.txt"), "--no-cache"]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert f"{folder / 'empty.txt'}: empty input" in err
    assert main(["compare", str(folder / "missing.txt"), str(folder / "blank.txt"), "--no-cache"]) == EXIT_INPUT
    assert "no such file" in capsys.readouterr().err
