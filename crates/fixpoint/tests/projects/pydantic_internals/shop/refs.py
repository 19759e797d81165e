from typing import List

# A line is defined after the models that hold lines.
Lines = List["Line"]
