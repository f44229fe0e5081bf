from PIL import Image


def square(image: Image.Image, size: int = 224) -> Image.Image:
    return image.convert("RGB").resize((size, size))
