import json
import subprocess
import sys

import pytest

from samestory.errors import InputError
from samestory.read import iter_articles, read, read_html, read_text

MARKDOWN = """# Harbour Crane Topples in High Winds

April 2, 2024

![crane](#) **Photo: J. Doe / Port Agency**

A container crane toppled onto an empty quay in the port of Rotterdam on Tuesday as storm winds swept the Dutch coast, the port authority said.

**Related article:** [Storms close ports along the North Sea](#)

Nobody was hurt, because crews had stopped work two hours earlier when the wind passed 90 kilometres per hour.

Share this story: Facebook | Twitter | Email

Original url:

<https://example.org/2024/04/02/crane>
"""


def test_markdown_metadata_and_boilerplate():
    a = read_text(MARKDOWN, source="crane.md")
    assert a.title == "Harbour Crane Topples in High Winds"
    assert a.published == "2024-04-02"
    assert a.url == "https://example.org/2024/04/02/crane"
    assert a.outlet == "example.org"
    assert a.text.startswith("A container crane toppled")
    assert "Nobody was hurt" in a.text
    for junk in ("Photo:", "Related article", "Share this story", "Original url", "https://"):
        assert junk not in a.text, junk
    assert any("Related article" in r for r in a.removed)


def test_plain_text_first_line_title_and_reply_footer():
    text = ("Crane topples in Rotterdam storm\n\nA container crane toppled onto an empty quay in the port of "
            "Rotterdam on Tuesday, the port authority said.\n\nNobody was hurt, officials said, because work had "
            "stopped two hours earlier.\n\nLeave A Reply\n")
    a = read_text(text)
    assert a.title == "Crane topples in Rotterdam storm"
    assert "Leave A Reply" not in a.text and "Leave A Reply" in a.removed


def test_a_headline_over_a_single_paragraph_is_the_title():
    body = ("Crane operators at the port of Varnholm stopped work at midnight, halting the unloading of eleven "
            "cargo vessels in a row over pay for night shifts, their union said on Monday.")
    a = read_text("Varnholm dockers strike over night-shift pay\n\n" + body)
    assert a.title == "Varnholm dockers strike over night-shift pay" and a.text == body
    # a short first paragraph that ends as a sentence does may be a one-sentence lead: not a title
    assert read_text("Dockers at Varnholm walked out on Monday.\n\n" + body).title is None


def test_a_one_sentence_lead_is_kept():
    """jusText calls a short first paragraph boilerplate (nothing before it to vouch for it): a lead that
    ends with a full stop is kept over the article's prose, a teaser question is not."""
    body = ("The strike began at dawn when the night shift refused to hand the cranes to the morning crews, "
            "and by noon the port authority said no container ship had been loaded since midnight. Union "
            "leaders said the walkout would last until the harbour company withdrew its plan to cut overtime pay.")
    a = read_text("Dockers strike at Varnholm\n\nDockers at Varnholm walked out on Monday.\n\n" + body)
    assert a.title == "Dockers strike at Varnholm"
    assert a.text.startswith("Dockers at Varnholm walked out on Monday.") and a.text.endswith("overtime pay.")
    b = read_text("Dockers strike at Varnholm\n\nWho will unload the ships this week?\n\n" + body)
    assert b.text == body and "Who will unload the ships this week?" in b.removed


def test_broken_paragraph_is_joined():
    a = read_text("Title line here\n\nRelations worsened over the bloc's\n\nexpansion into the east, "
                  "officials said on Monday in a long statement.\n\nA second paragraph follows with more words in it.")
    assert "bloc's expansion into the east" in a.text


def test_seeds(seeds):
    a, b = (s.article for s in seeds)
    assert a.title.startswith("Gorbachev Urges")
    assert a.published == "2020-11-10"
    assert a.url.startswith("https://www.themoscowtimes.com/")
    assert "Vedyashkin" not in a.text and "Related article" not in a.text and "Original url" not in a.text
    assert "not at any cost" in a.text
    assert "Leave A Reply" not in b.text and b.text.startswith("Former Soviet Union leader")


HTML = """<!DOCTYPE html><html><head><title>Crane topples | Port News</title>
<meta property="og:title" content="Crane topples in Rotterdam">
<meta property="article:published_time" content="2024-04-02T10:00:00Z">
<link rel="canonical" href="https://port-news.example/crane"></head>
<body><nav><a href="/">Home</a> <a href="/ports">Ports</a></nav>
<article><h1>Crane topples in Rotterdam</h1>
<p>A container crane toppled onto an empty quay in the port of Rotterdam on Tuesday as storm winds swept the coast, the port authority said in a statement.</p>
<p>Nobody was hurt, because crews had stopped work two hours earlier when the wind passed 90 kilometres per hour, a spokeswoman said.</p>
</article><footer><p>© 2024 Port News. <a href="/privacy">Privacy</a></p></footer></body></html>"""


def test_html_reader():
    a = read_html(HTML, source="page.html")
    assert "Crane topples" in a.title
    assert a.published == "2024-04-02"
    assert a.url == "https://port-news.example/crane"
    assert "Nobody was hurt" in a.text
    assert "Privacy" not in a.text and "Home" not in a.text


def test_text_decoded_wrongly_upstream_is_repaired(tmp_path):
    """A scrape that read UTF-8 as Windows-1252 ("CÃ´te", "rÃ©forme") or kept Windows-1252's quotes as C1
    controls ("\x93", "\x94") is repaired, in a JSON record as in an HTML page; a text written right is left
    as it is, its straight quotes too."""
    good = ("La réforme du port de Varnholm divise la Côte : « Nous voulons des garanties », a dit le maire "
            "au conseil municipal lundi.\n\nLe vote aura lieu en mars, après l'avis des dockers.")
    broken = good.encode("utf-8").decode("cp1252")
    assert "Ã©" in broken
    p = tmp_path / "a.json"
    p.write_text(json.dumps({"title": "RÃ©forme du port", "text": broken, "meta_lang": "fr", "id": "9"}), encoding="utf-8")
    a = read(p)
    assert (a.title, a.text) == ("Réforme du port", good)
    page = read_html(f"<html><body><h1>Port</h1><p>{broken}</p></body></html>", source="page.html")
    assert "La réforme du port de Varnholm divise la Côte" in page.text
    quotes = read_text("The mayor called it \x93a shock for the whole city\x94 on Monday, speaking to reporters at "
                       "the harbour after the vote.", source="c1.txt")
    assert "“a shock for the whole city”" in quotes.text
    plain = 'The mayor said "we will rebuild" on Monday, speaking to reporters at the harbour after the vote.'
    assert read_text(plain, source="plain.txt").text == plain


def test_json_semeval_format(tmp_path):
    obj = {"title": "Crane topples", "text": "A container crane toppled onto an empty quay in the port of Rotterdam "
           "on Tuesday, the port authority said.\n\nNobody was hurt, officials said on the day after.",
           "url": "https://www.port-news.example/crane", "publish_date": "2024-04-02 10:00:00", "meta_lang": "en",
           "source_url": "port-news.example", "id": "1234"}
    p = tmp_path / "a.json"
    p.write_text(json.dumps(obj), encoding="utf-8")
    a = read(p)
    assert (a.id, a.title, a.language, a.outlet) == ("1234", "Crane topples", "en", "port-news.example")
    assert a.published.startswith("2024-04-02")


def test_jsonl_batch_skips_bad_lines(tmp_path):
    good = {"id": "g", "title": "T", "text": "A container crane toppled onto an empty quay in Rotterdam on Tuesday, officials said."}
    p = tmp_path / "batch.jsonl"
    p.write_text(json.dumps(good) + "\n{not json\n" + json.dumps({"id": "x"}) + "\n" +
                 json.dumps(dict(good, id="g2")) + "\n", encoding="utf-8")
    errors = []
    arts = list(iter_articles([p], on_error=errors.append))
    assert [a.id for a in arts] == ["g", "g2"]
    assert len(errors) == 2
    assert f"{p}:2" in str(errors[0]) and "invalid JSON" in str(errors[0])
    assert f"{p}:3" in str(errors[1]) and "no text field" in str(errors[1])
    with pytest.raises(InputError, match="holds 4 articles"):
        read(p)


def test_folder_and_stdin(tmp_path):
    (tmp_path / "a.txt").write_text(MARKDOWN, encoding="utf-8")
    (tmp_path / "b.html").write_text(HTML, encoding="utf-8")
    (tmp_path / "notes.xyz").write_text("ignored", encoding="utf-8")
    assert len(list(iter_articles([tmp_path]))) == 2
    out = subprocess.run([sys.executable, "-m", "samestory.present.cli", "read", "-"], input=MARKDOWN.encode(),
                         capture_output=True, check=True)
    art = json.loads(out.stdout)
    assert art["source"] == "<stdin>" and art["title"] == "Harbour Crane Topples in High Winds"


FEED = __import__("pathlib").Path(__file__).resolve().parents[1] / "demo" / "feed" / "baltic-wire.rss"


def test_rss_feed_entries_become_articles_and_teasers_are_reported():
    errors = []
    arts = list(iter_articles([FEED], on_error=errors.append))
    assert [a.title for a in arts] == ["Engineers find corroded cables under collapsed Gdańsk footbridge",
                                       "Tallinn port workers end three-day strike after pay deal"]
    a = arts[0]
    assert a.published == "2025-03-16" and a.url.endswith("/footbridge-cables") and a.outlet == "baltic-wire.example"
    assert a.text.count("\n\n") == 3  # the four <p> of content:encoded, as paragraphs, no markup left
    assert "<p>" not in a.text and "Lindqvist" in a.text
    assert len(errors) == 1 and "#3" in errors[0].source and "2-word summary" in str(errors[0])


def test_atom_feed_and_broken_feed(tmp_path):
    atom = tmp_path / "x.atom"
    atom.write_text('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
                    '<entry><title>Council approves harbour budget</title><id>urn:x:1</id><updated>2025-05-02T10:00:00Z</updated>'
                    '<content type="html">&lt;p&gt;' + "The harbour council approved next year's budget after a long debate. " * 6 +
                    '&lt;/p&gt;</content></entry></feed>', encoding="utf-8")
    (a,) = list(iter_articles([atom]))
    assert a.title == "Council approves harbour budget" and a.published == "2025-05-02" and a.id == "urn:x:1"
    bad = tmp_path / "bad.rss"
    bad.write_text("<rss><channel><item><title>unclosed", encoding="utf-8")
    errors = []
    assert list(iter_articles([bad], on_error=errors.append)) == []
    assert len(errors) == 1 and "bad.rss" in str(errors[0])
    not_feed = tmp_path / "notes.xml"
    not_feed.write_text("<notes><n>hello</n></notes>", encoding="utf-8")
    with pytest.raises(InputError, match="not an RSS or Atom feed"):
        read(not_feed)


# -- URLs: a real HTTP server on 127.0.0.1 (tests/newsite.py) ---------------------------------------

@pytest.fixture()
def site():
    from .newsite import NewsSite

    s = NewsSite()
    yield s
    s.close()


def test_a_live_feed_is_read_through_its_linked_pages(site, tmp_path):
    from samestory.read.fetch import FetchError

    for name in ("bridge_coastal-herald.md", "trial_health-weekly.txt"):
        site.publish(name)
    missing = site.list_missing_page()
    errors = []
    arts = list(iter_articles([f"{site.url}/feed.xml"], on_error=errors.append))
    assert [a.title for a in arts] == ["bridge coastal-herald", "trial health-weekly"]  # the entry's title wins
    assert all(a.published == "2025-03-15" and a.url.startswith(site.url + "/news/") for a in arts)
    assert "malaria" in arts[1].text and "© Example News" not in arts[1].text  # the page's article, not its frame
    assert len(errors) == 1 and isinstance(errors[0], FetchError)
    assert str(errors[0]) == f"{site.url}{missing}: cannot fetch: HTTP 404 Not Found"
    # the same feed saved as a file: teasers only, and reading a file does not reach the network
    saved = tmp_path / "feed.xml"
    saved.write_bytes(site.feed())
    hits = dict(site.hits)
    errors.clear()
    assert list(iter_articles([saved], on_error=errors.append)) == []
    assert len(errors) == 3 and all("fetched only for feeds read from a URL" in str(e) for e in errors)
    assert site.hits == hits
    # entries already known are not fetched again
    known = {arts[0].id}
    list(iter_articles([f"{site.url}/feed.xml"], on_error=lambda e: None, known=known.__contains__))
    assert site.hits["/news/bridge_coastal-herald.html"] == 1 and site.hits["/news/trial_health-weekly.html"] == 2


def test_a_web_page_by_url_and_an_unreachable_one(site):
    from samestory.read.fetch import FetchError

    page = site.publish("bridge_reprint_daily-post.html")
    a = read(f"{site.url}{page}")
    assert a.title == "Storm brings down Gdańsk footbridge, three hurt" and a.source == f"{site.url}{page}"
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(FetchError, match=rf"127.0.0.1:{port}/x.html: cannot fetch: the server could not be reached"):
        read(f"http://127.0.0.1:{port}/x.html")


def test_a_line_with_the_outlet_and_the_date():
    """"Ridgeline Courier, 9 August 2025" gives the date and the outlet; a byline's or a place's words
    give the date alone."""
    body = ("\n\nA wildfire near the Orsk reservoir had burned 4,100 hectares by Saturday morning, fire chief "
            "Marta Quill said.\n\nTwo houses on Crane Road were destroyed.\n")
    for line, outlet in (("*Ridgeline Courier, 9 August 2025*", "Ridgeline Courier"),
                         ("9 August 2025 | Ridgeline Courier", "Ridgeline Courier"),
                         ("Le Journal des Crêtes · 9 août 2025", "Le Journal des Crêtes"),
                         ("By Ana Ruiz, 9 August 2025", None), ("LONDON, 9 August 2025", None), ("Gdańsk, 9 August 2025", None)):
        a = read_text("# Wildfire forces 2,300 from homes\n\n" + line + body)
        assert (a.published, a.outlet) == ("2025-08-09", outlet), line
        assert "2025" not in a.text
    a = read_text("# Wildfire forces 2,300 from homes\n\nBy Tomas Reyes, Northern Ledger" + body)
    assert a.published is None and a.outlet is None
