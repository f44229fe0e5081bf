def top_labels(probabilities, names: dict[int, str], count: int = 5) -> dict[str, float]:
    values, indices = probabilities.topk(count)
    return {names[int(i)]: float(v) for v, i in zip(values, indices, strict=True)}
