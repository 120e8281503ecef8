"""The benchmark's new names keep their promise: other companies, by brand and by sound, many near misses."""

import pytest

from bench.names import NEW_FORMS, new_names, sound, synthetic_registry
from shdt.core.imports import find_similar


def test_new_names_differ_from_the_registry_in_brand_and_sound_and_half_are_near_misses():
    registry = synthetic_registry(2000)
    names, near = new_names(registry, 500, seed=1)
    assert len(set(names)) == 500 and 150 <= near <= 350
    registered = {sound(name) for _pk, name in registry.spellings}
    assert not {sound(name) for name in names} & registered
    # What the figure measures: the check flags none of them.
    assert find_similar(dict(enumerate(names)), registry.spellings) == {}


@pytest.mark.parametrize("seed", [1, 2])
def test_a_near_miss_is_one_brand_character_from_a_registered_name(seed):
    registry = synthetic_registry(300)
    cores = {brand + rest for brand, rest in registry.cores}
    names, near = new_names(registry, 100, seed=seed)

    def one_apart(core):
        return any(
            len(core) == len(other) and sum(a != b for a, b in zip(core, other)) == 1 for other in cores
        )

    def core(name):
        stem = name.removeprefix("上海")
        form = max((form for form in NEW_FORMS if stem.endswith(form)), key=len)
        return stem[: -len(form)]

    assert sum(one_apart(core(name)) for name in names) >= near > 0
