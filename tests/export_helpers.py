"""Reading the data download (a ZIP of data.json and the files)."""

import io
import zipfile


def exported_zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def exported_json(response) -> str:
    return exported_zip(response).read("data.json").decode()
