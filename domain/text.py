"""Character classes for the text rules that patterns state (the API's fields, the sign-in principal), kept in
one place so that every rule means the same characters. Written as regex class bodies both Python's re and
pydantic's Rust regex read."""

# Format characters that show nothing: Hangul fillers, the Mongolian vowel separator, zero-width spaces and
# joiners, direction marks and embeddings, word joiners and invisible operators, the byte-order mark.
INVISIBLE = r"\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufeff\uffa0"
