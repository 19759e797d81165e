def render(template: str, **context) -> str:
    return template.format(**context)


def sms_body(name: str, code: str) -> str:
    return render("Hi {name}, your code is {code}", name=name, code=code)
