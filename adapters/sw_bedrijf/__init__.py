"""SW-bedrijf adapter: diagnose, arbeidskundig onderzoek, leerwerkplek, detachering (REST);
terugmeldingen arrive later as CloudEvents."""
