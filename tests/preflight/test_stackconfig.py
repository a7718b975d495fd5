"""Config as the Pulumi CLI reads it: cases ported from the CLI's own tests, then each rule at its edge.

Go tests cited as ``config_project_test.go`` live in pulumi/pulumi ``pkg/workspace/``; ``project_test.go`` in
``sdk/go/common/workspace/``; ``config_test.go`` in ``pkg/workspace/``.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from preflight import projectfile, stackconfig
from preflight.stackconfig import UNKNOWN, StackConfigError

CIPHERTEXT = "AAABAKGnq7ciphertext-canary-6d0c"


def write(tmp_path: Path, project: str, stack: str | None = "", name: str = "dev") -> Path:
    (tmp_path / "Pulumi.yaml").write_text(textwrap.dedent(project).lstrip())
    if stack is not None:
        (tmp_path / f"Pulumi.{name}.yaml").write_text(textwrap.dedent(stack).lstrip())
    return tmp_path


def load(tmp_path: Path, project: str, stack: str = "", name: str = "dev") -> stackconfig.StackConfig:
    return stackconfig.load(write(tmp_path, project, stack, name), name)


def error(tmp_path: Path, project: str, stack: str = "") -> str:
    with pytest.raises(StackConfigError) as info:
        load(tmp_path, project, stack)
    return str(info.value)


PROJECT = "name: test\nruntime: python\n"


# ---- ported from the CLI's tests -------------------------------------------------------------------------------


def test_stack_config_is_inherited_from_project_config(tmp_path):
    # config_project_test.go: TestStackConfigIsInheritedFromProjectConfig
    config = load(tmp_path, PROJECT + "config:\n  instanceSize: t3.micro\n  instanceCount: 20\n  protect: true\n",
                  "config:\n  test:instanceSize: t4.large\n")
    assert config.values == {"test:instanceSize": "t4.large", "test:instanceCount": "20", "test:protect": "true"}


def test_namespaced_config_values_are_inherited(tmp_path):
    # config_project_test.go: TestNamespacedConfigValuesAreInheritedCorrectly
    config = load(tmp_path, PROJECT + 'config:\n  aws:region: us-west-1\n  pulumi:disable-default-providers: ["*"]\n'
                  "  instanceSize: t3.micro\n", "config:\n  test:instanceSize: t4.large\n")
    assert config.values == {"aws:region": "us-west-1", "pulumi:disable-default-providers": '["*"]',
                             "test:instanceSize": "t4.large"}


def test_stack_keys_without_namespace_belong_to_the_project(tmp_path):
    # config_project_test.go: TestLoadingStackConfigWithoutNamespacingTheProject
    config = load(tmp_path, PROJECT + "config:\n  aws:region: us-west-1\n  instanceSize: t3.micro\n",
                  "config:\n  instanceSize: t4.large\n")
    assert config.values == {"aws:region": "us-west-1", "test:instanceSize": "t4.large"}


def test_untyped_project_config_values_are_not_validated(tmp_path):
    # config_project_test.go: TestUntypedProjectConfigValuesAreNotValidated
    config = load(tmp_path, PROJECT + "config:\n  instanceSize: t3.micro\n  aws:region: us-west-1\n",
                  "config:\n  instanceSize: 9999\n  aws:region: 42\n")
    assert config.values == {"aws:region": "42", "test:instanceSize": "9999"}


def test_untyped_declarations_with_only_a_default_or_only_a_value(tmp_path):
    # config_project_test.go: TestUntypedProjectConfigValuesWithOnlyDefaultOrOnlyValue
    config = load(tmp_path, PROJECT + "config:\n  instanceSize:\n    default: t3.micro\n  region:\n"
                  "    value: us-west-1\n", "config:\n  aws:answer: 42\n")
    assert config.values == {"aws:answer": "42", "test:instanceSize": "t3.micro", "test:region": "us-west-1"}


def test_stack_values_need_no_project_declaration(tmp_path):
    # config_project_test.go: TestUntypedStackConfigValuesDoNeedProjectDeclaration
    config = load(tmp_path, PROJECT + "config:\n  createVpc: true\n", "config:\n  instanceSize: 42\n")
    assert config.values == {"test:createVpc": "true", "test:instanceSize": "42"}


def test_project_object_values_are_passed_down_as_json(tmp_path):
    # config_project_test.go: TestUntypedProjectConfigObjectValuesPassedDownToStack
    config = load(tmp_path, PROJECT + "config:\n  instanceSize:\n    value:\n      hello: world\n  aws:config:\n"
                  "    value:\n      region: us-west-1\n", "config:\n  aws:whatever: 42\n")
    assert config.values == {"aws:config": '{"region":"us-west-1"}', "aws:whatever": "42",
                             "test:instanceSize": '{"hello":"world"}'}


def test_stack_value_of_the_wrong_type_is_refused(tmp_path):
    # config_project_test.go: TestStackConfigErrorsWhenStackValueIsNotCorrectlyTyped
    message = error(tmp_path, PROJECT + "config:\n  values:\n    type: array\n    items:\n      type: string\n"
                    "    default: [value]\n", "config:\n  test:values: someValue\n")
    assert message == "Pulumi.dev.yaml: Stack 'dev' with configuration key 'values' must be of type 'array<string>'"


def test_integer_type_is_validated(tmp_path):
    # config_project_test.go: TestStackConfigIntegerTypeIsCorrectlyValidated
    project = PROJECT + "config:\n  importantNumber:\n    type: integer\n"
    assert load(tmp_path, project, "config:\n  test:importantNumber: 20\n").values == {"test:importantNumber": "20"}
    assert error(tmp_path, project, "config:\n  test:importantNumber: hello\n") == (
        "Pulumi.dev.yaml: Stack 'dev' with configuration key 'importantNumber' must be of type 'integer'")


@pytest.mark.parametrize(("declared", "missing"), [
    # config_project_test.go: TestStackConfigErrorsWhenMissingStackValueForConfigTypeWithNoDefault
    ("  values:\n    type: array\n    items:\n      type: string\n", "value 'values'"),
    # config_project_test.go: TestStackConfigErrorsWhenMissingTwoStackValueForConfigTypeWithNoDefault
    ("  another:\n    type: string\n  values:\n    type: array\n    items:\n      type: string\n",
     "values 'another' and 'values'"),
    # config_project_test.go: TestStackConfigErrorsWhenMissingMultipleStackValueForConfigTypeWithNoDefault
    ("  hello:\n    type: integer\n  values:\n    type: array\n    items:\n      type: string\n  world:\n"
     "    type: string\n", "values 'hello', 'values' and 'world'"),
])
def test_missing_values_are_named_in_one_message(tmp_path, declared, missing):
    message = error(tmp_path, PROJECT + "config:\n" + declared, "")
    assert message.startswith(f"Pulumi.dev.yaml: Stack 'dev' is missing configuration {missing}; set ")


def test_stack_config_without_project_declarations(tmp_path):
    # config_project_test.go: TestStackConfigDoesNotErrorWhenProjectHasNotDefinedConfig
    config = load(tmp_path, PROJECT, "config:\n  hello: 21\n  world: 42\n  another: 42\n")
    assert config.values == {"test:another": "42", "test:hello": "21", "test:world": "42"}


def test_secret_keys_must_be_secure(tmp_path):
    # config_project_test.go: TestStackConfigSecretIsCorrectlyValidated
    project = PROJECT + "config:\n  importantNumber:\n    type: integer\n    secret: true\n"
    config = load(tmp_path, project, f"config:\n  test:importantNumber:\n    secure: {CIPHERTEXT}\n")
    assert config.values == {"test:importantNumber": UNKNOWN}
    assert config.secret_keys == ("test:importantNumber",)
    assert config.unchecked_keys == ("test:importantNumber",)  # an integer's text is not known offline
    assert error(tmp_path, project, "config:\n  test:importantNumber: 20\n") == (
        "Pulumi.dev.yaml: Stack 'dev' with configuration key 'importantNumber' must be encrypted as it's secret")


def test_objects_reach_the_program_as_go_json(tmp_path):
    # config_project_test.go: TestEnvironmentMerge (the stack-file half: JSON with sorted keys, no spaces)
    config = load(tmp_path, PROJECT, "config:\n  test:array:\n    - first\n    - second\n  test:object:\n"
                  "    foo: bar\n    object:\n      baz: 42\n  test:boolean: true\n  test:number: 42\n")
    assert config.values == {"test:array": '["first","second"]', "test:boolean": "true", "test:number": "42",
                             "test:object": '{"foo":"bar","object":{"baz":42}}'}


def test_uint64_stays_exact(tmp_path):
    # config_project_test.go: TestStackConfigUInt64
    config = load(tmp_path, PROJECT, "config:\n  test:instanceSize: 18446744073709551615\n")
    assert config.values == {"test:instanceSize": "18446744073709551615"}


def test_nested_path_keys_are_validated(tmp_path):
    # config_test.go: TestValidateStackConfigValues, "Typed Config Validates"
    project = PROJECT + ("config:\n  testInt:\n    type: integer\n  testNested1.float:\n    type: integer\n"
                         "  testNested2.bool:\n    type: boolean\n  testSecret:\n    type: string\n    secret: true\n")
    stack = ("config:\n  testInt: 1\n  testNested1:\n    float: 1.0\n  testNested2:\n    bool: true\n"
             f"  testSecret:\n    secure: {CIPHERTEXT}\n")
    config = load(tmp_path, project, stack)
    assert config.values["test:testNested1"] == '{"float":1}' and config.unchecked_keys == ()
    bad = stack.replace("bool: true", "bool: maybe")
    assert error(tmp_path, project, bad) == (
        "Pulumi.dev.yaml: Stack 'dev' with configuration key 'testNested2.bool' must be of type 'boolean'")


def test_a_nested_default_is_set_inside_its_object(tmp_path):
    # config.go mergeConfig sets declared values with path semantics (Map.Set(key, value, true)).
    config = load(tmp_path, PROJECT + "config:\n  aws:assumeRole.roleArn:\n    value: arn:aws:iam::1:role/x\n"
                  "  limits.count:\n    default: '20'\n", "config:\n  test:limits:\n    size: 3\n")
    assert config.values == {"aws:assumeRole": '{"roleArn":"arn:aws:iam::1:role/x"}',
                             "test:limits": '{"count":20,"size":3}'}


@pytest.mark.parametrize(("project", "message"), [
    # project_test.go: TestProjectValidationFailsForIncorrectDefaultValueType
    ("  instanceSize:\n    type: integer\n    default: hello\n",
     "The default value specified for configuration key 'instanceSize' is not of the expected type 'integer'"),
    ("  values:\n    type: array\n    items:\n      type: array\n      items:\n        type: string\n"
     "    default: [hello]\n",
     "The default value specified for configuration key 'values' is not of the expected type "
     "'array<array<string>>'"),
    # project_test.go: TestNamespacedProjectConfigShouldNotBeExplicitlyTyped
    ("  aws:region:\n    type: string\n    value:\n      region: us-west-1\n",
     "Configuration key 'aws:region' is not namespaced by the project and should not define a type"),
    # project_test.go: TestProjectConfigCannotHaveBothValueAndDefault
    ("  instanceSize:\n    type: string\n    default: t3.micro\n    value: t4.large\n",
     "project config 'instanceSize' cannot have both a 'default' and 'value' attribute"),
    # project_test.go: TestProjectConfigCannotBeTypedArrayWithoutItems
    ("  instanceSize:\n    type: array\n    default: [t3.micro, t4.large]\n",
     "The configuration key 'instanceSize' declares an array but does not specify the underlying type via the "
     "'items' attribute"),
    # project_test.go: TestNamespacedProjectConfigShouldNotBeProvideDefault
    ("  aws:region:\n    default: us-west-1\n",
     "Configuration key 'aws:region' is not namespaced by the project and should not define a default value. "
     "Did you mean to use the 'value' attribute instead of 'default'?"),
    # project.go Project.Validate: a namespaced declaration needs a value
    ("  aws:region:\n    description: where\n",
     "Configuration key 'aws:region' is namespaced and must provide an attribute 'value'"),
])
def test_project_declarations_are_validated(tmp_path, project, message):
    assert error(tmp_path, PROJECT + "config:\n" + project) == f"Pulumi.yaml: {message}"


def test_correct_defaults_and_object_types_load(tmp_path):
    # project_test.go: TestProjectValidationSucceedsForCorrectDefaultValueType,
    # TestProjectValidationSucceedsForObjectConfigType, TestProjectLoadsConfigSchemas
    project = projectfile.load_project(write(tmp_path, PROJECT + textwrap.dedent("""\
        config:
          instanceSize: {type: integer, default: 1}
          values: {type: array, items: {type: array, items: {type: string}}, default: [[hello]]}
          example: {type: object, default: {hello: world}}
          integerSchemaSimple: 20
          secretString: {type: string, secret: true}
        """), None))
    config = project.config
    assert config["instanceSize"].default == 1 and config["values"].full_type() == "array<array<string>>"
    assert config["integerSchemaSimple"] == projectfile.Declaration(default=20)
    assert config["secretString"].secret and config["secretString"].default is None


def test_config_text_is_the_stack_config_dir(tmp_path):
    # project_test.go: TestLoadingConfigIsRewrittenToStackConfigDir, TestDefningBothConfigAndStackConfigDirErrorsOut,
    # TestConfigObjectAndStackConfigDirSuccessfullyLoadProject
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "Pulumi.dev.yaml").write_text("config:\n  test:size: large\n")
    write(tmp_path, PROJECT + "config: stacks\n", None)
    assert stackconfig.load(tmp_path, "dev").values == {"test:size": "large"}
    assert stackconfig.stack_names(tmp_path) == ["dev"]
    assert error(tmp_path, PROJECT + "config: stacks\nstackConfigDir: other\n") == (
        "Pulumi.yaml: Should not use both config and stackConfigDir to define the stack directory. Use only "
        "stackConfigDir instead.")
    write(tmp_path, PROJECT + "stackConfigDir: stacks\nconfig:\n  value: hello\n", None)
    assert stackconfig.load(tmp_path, "dev").values == {"test:size": "large", "test:value": "hello"}


# ---- each rule at its edge, and just past it ----------------------------------------------------------------


def typed(type_: str, items: str | None = None) -> str:
    return PROJECT + f"config:\n  v:\n    type: {type_}\n" + (f"    items:\n      type: {items}\n" if items else "")


def verdict(tmp_path: Path, project: str, yaml_value: str) -> str:
    try:
        config = load(tmp_path, project, f"config:\n  test:v: {yaml_value}\n")
    except StackConfigError as exc:
        assert "must be of type" in str(exc), exc
        return "refused"
    return "unchecked" if config.unchecked_keys else "accepted"


@pytest.mark.parametrize(("type_", "items", "yaml_value", "expected"), [
    ("integer", None, "9223372036854775807", "accepted"),  # the largest int64 (strconv.Atoi)
    ("integer", None, "9223372036854775808", "refused"),
    ("integer", None, "'-20'", "accepted"),  # text that parses as an integer counts
    ("integer", None, "'20.0'", "refused"),
    ("integer", None, "3.0", "accepted"),  # YAML's 3.0 is a whole number: the CLI writes it as 3
    ("integer", None, "3.5", "refused"),
    ("integer", None, "0x1F", "accepted"),  # yaml.v3 reads hex as an integer
    ("boolean", None, "'false'", "accepted"),
    ("boolean", None, "'False'", "refused"),  # text must be exactly true or false
    ("boolean", None, "True", "accepted"),  # a YAML boolean, written as true
    ("boolean", None, "yes", "refused"),  # YAML 1.2: yes is a string (PyYAML would read true)
    ("string", None, "42", "accepted"),  # a scalar is text to the CLI
    ("string", None, "[a]", "refused"),
    ("object", None, "{}", "accepted"),
    ("object", None, "[]", "refused"),
    ("array", "integer", "[1, '2']", "accepted"),
    ("array", "integer", "[1, 2.5]", "refused"),
    ("array", "object", "[{}]", "accepted"),
    ("array", "object", "[{}, x]", "refused"),
    ("array", "string", "[]", "accepted"),
    ("array", "string", "x", "refused"),
])
def test_type_rules_at_their_edges(tmp_path, type_, items, yaml_value, expected):
    assert verdict(tmp_path, typed(type_, items), yaml_value) == expected


@pytest.mark.parametrize(("type_", "items", "expected"), [
    ("string", None, "accepted"),  # decrypted, a secure value is a string
    ("integer", None, "unchecked"),  # whether its text is an integer is not known offline
    ("boolean", None, "unchecked"),
    ("object", None, "refused"),  # a secure value is never an object
    ("array", "string", "refused"),
])
def test_secure_values_are_typed_as_the_cli_would_type_their_plaintext(tmp_path, type_, items, expected):
    assert verdict(tmp_path, typed(type_, items), f"{{secure: {CIPHERTEXT}}}") == expected


def test_secure_parts_of_a_list_are_strings(tmp_path):
    stack = f"config:\n  test:v:\n    - plain\n    - secure: {CIPHERTEXT}\n"
    config = load(tmp_path, typed("array", "string"), stack)
    assert config.values == {"test:v": f'["plain","{UNKNOWN}"]'} and config.secret_keys == ("test:v",)
    assert load(tmp_path, typed("array", "integer"), stack.replace("plain", "'1'")).unchecked_keys == ("test:v",)


def test_declared_secret_is_checked_only_for_typed_keys(tmp_path):
    # config.go validateStackConfigValues: only explicitly typed keys are validated, the secret rule included.
    assert load(tmp_path, PROJECT + "config:\n  v:\n    secret: true\n", "config:\n  test:v: plain\n").values == {
        "test:v": "plain"}
    assert "must be encrypted" in error(tmp_path, PROJECT + "config:\n  v:\n    type: string\n    secret: true\n",
                                        "config:\n  test:v: plain\n")


def test_a_secret_default_is_not_secure(tmp_path):
    message = error(tmp_path, PROJECT + "config:\n  v:\n    type: string\n    secret: true\n    default: x\n")
    assert message == "Pulumi.yaml: Stack 'dev' with configuration key 'v' must be encrypted as it's secret"


def test_defaults_are_checked_after_the_merge(tmp_path):
    # A value declared with `value:` is not checked when the project loads, only once merged.
    project = PROJECT + "config:\n  v:\n    type: integer\n    value: many\n"
    assert error(tmp_path, project) == "Pulumi.yaml: Stack 'dev' with configuration key 'v' must be of type 'integer'"
    assert load(tmp_path, project, "config:\n  test:v: 3\n").values == {"test:v": "3"}


def test_the_stack_value_wins_over_default_and_value(tmp_path):
    project = PROJECT + "config:\n  size:\n    default: small\n  aws:region:\n    value: us-east-1\n"
    config = load(tmp_path, project, "config:\n  test:size: large\n  aws:region: eu-west-1\n")
    assert config.values == {"aws:region": "eu-west-1", "test:size": "large"}
    assert load(tmp_path, project).values == {"aws:region": "us-east-1", "test:size": "small"}


def test_missing_is_only_for_the_projects_namespace(tmp_path):
    project = PROJECT + "config:\n  size:\n    type: string\n"
    assert load(tmp_path, project, "config:\n  size: s\n").values == {"test:size": "s"}
    assert "missing configuration value 'size'" in error(tmp_path, project, "config:\n  other:size: s\n")
    assert "missing" in error(tmp_path, project + "    default: null\n")  # YAML null is no default


# ---- secure values ------------------------------------------------------------------------------------------------


def test_secure_values_are_unknown_secrets_and_the_ciphertext_stays_inside(tmp_path):
    stack = f"config:\n  aws:secretKey:\n    secure: {CIPHERTEXT}\n  test:db:\n    url:\n      secure: {CIPHERTEXT}\n"
    config = load(tmp_path, PROJECT, stack)
    assert config.values == {"aws:secretKey": UNKNOWN, "test:db": f'{{"url":"{UNKNOWN}"}}'}
    assert config.secret_keys == ("aws:secretKey", "test:db")
    assert CIPHERTEXT not in repr(config)
    message = error(tmp_path, typed("object"), f"config:\n  test:v:\n    secure: {CIPHERTEXT}\n")
    assert CIPHERTEXT not in message and "test:v" not in message and "'v' must be of type 'object'" in message


# ---- YAML as yaml.v3 reads it, and keys given twice ---------------------------------------------------------


def test_plain_scalars_resolve_as_yaml_v3_resolves_them(tmp_path):
    stack = ("config:\n  test:a: yes\n  test:b: 0777\n  test:c: 1_000\n  test:d: 1e3\n  test:e: 3.0\n"
             "  test:f: 2024-01-01\n  test:g: ~\n  test:h: '007'\n  test:i: [1.50, 2.0]\n")
    config = load(tmp_path, PROJECT, stack)
    assert config.values == {"test:a": "yes", "test:b": "511", "test:c": "1000", "test:d": "1000", "test:e": "3",
                             "test:f": "2024-01-01", "test:g": "", "test:h": "007", "test:i": "[1.5,2]"}
    assert config.warnings == ("Pulumi.dev.yaml: no value for configuration key test:g; the CLI treats it as an "
                               "empty string",)


@pytest.mark.parametrize(("stack", "message"), [
    ("config:\n  test:size: s\n  test:size: m\n",
     "Pulumi.dev.yaml: key 'test:size' in config is given twice, at lines 2 and 3 (YAML would keep only the last)"),
    ("config:\n  size: s\n  aws:region: x\n  test:size: m\n",
     "Pulumi.dev.yaml: key 'test:size' is given twice, as 'size' at line 2 and as 'test:size' at line 4 "
     "(the CLI would keep only one)"),
    ("config:\n  test:services:\n    - name: web\n      port: 80\n      port: 8080\n",
     "Pulumi.dev.yaml: key 'port' in config.test:services[0] is given twice, at lines 4 and 5 "
     "(YAML would keep only the last)"),
])
def test_a_key_given_twice_in_a_stack_file_is_refused(tmp_path, stack, message):
    assert error(tmp_path, PROJECT, stack) == message


def test_a_key_given_twice_in_pulumi_yaml_is_refused(tmp_path):
    message = error(tmp_path, PROJECT + "config:\n  size: s\n  region: r\n  size: m\n")
    assert message == ("Pulumi.yaml: key 'size' in config is given twice, at lines 4 and 6 (YAML would keep only "
                       "the last)")


def test_merge_keys_are_not_duplicates(tmp_path):
    stack = ("base: &base\n  port: 80\n  name: web\nconfig:\n  test:services:\n    - <<: *base\n      port: 8080\n")
    assert json.loads(load(tmp_path, PROJECT, stack).values["test:services"]) == [{"name": "web", "port": 8080}]


@pytest.mark.parametrize(("stack", "message"), [
    ("config:\n  a:b:c: 1\n", "Pulumi.dev.yaml: could not parse a:b:c as a configuration key"),
    ("config: [a]\n", "Pulumi.dev.yaml: 'config' must be a mapping"),
    ("environment:\n  - prod\n", "Pulumi.dev.yaml: imports ESC environments"),
    ("config:\n  test:v: .nan\n", "Pulumi.dev.yaml: test:v: NaN and infinity are not valid config values"),
    ("config:\n  a: [\n", "Pulumi.dev.yaml: line 3: not valid YAML"),
])
def test_unreadable_stack_files_name_the_file(tmp_path, stack, message):
    assert error(tmp_path, PROJECT, stack).startswith(message)


def test_the_legacy_config_module_key_form(tmp_path):
    assert load(tmp_path, PROJECT, "config:\n  aws:config:region: eu-west-1\n").values == {"aws:region": "eu-west-1"}


def test_the_project_stacks_run_under_the_cli_rules():
    root = Path(__file__).resolve().parents[2]
    for stack in ("dev", "staging", "prod"):
        config = stackconfig.load(root, stack)
        assert config.values["container-platform:tags"].startswith("{") and config.unchecked_keys == ()


# ---- the rarer corners ---------------------------------------------------------------------------------------


def test_the_whole_missing_message():
    # config.go formatMissingKeys: sorted, "and" before the last, "them" for several.
    message = str(stackconfig._missing_error(["b", "a"], "dev", "Pulumi.dev.yaml"))
    assert message == ("Pulumi.dev.yaml: Stack 'dev' is missing configuration values 'a' and 'b'; set them in "
                       "Pulumi.dev.yaml or declare a default in Pulumi.yaml")


@pytest.mark.parametrize(("yaml_value", "expected"), [
    ("-9223372036854775808", "accepted"),  # the smallest int64
    ("-9223372036854775809", "refused"),
])
def test_integer_text_at_the_low_edge(tmp_path, yaml_value, expected):
    assert verdict(tmp_path, typed("integer"), f"'{yaml_value}'") == expected


@pytest.mark.parametrize(("items", "yaml_value"), [("integer", "[true]"), ("boolean", "[1]"), ("string", "[true]")])
def test_items_are_typed_by_their_json_kind(tmp_path, items, yaml_value):
    # Inside a list, true is a JSON boolean and 1 a number: neither is the other type, nor a string.
    assert verdict(tmp_path, typed("array", items), yaml_value) == "refused"


def test_a_default_beyond_int64_is_json(tmp_path):
    config = load(tmp_path, PROJECT + "config:\n  big: 18446744073709551615\n  small: -3\n  flag: false\n")
    assert config.values == {"test:big": "18446744073709551615", "test:flag": "false", "test:small": "-3"}


def test_path_keys_reach_into_lists_and_secure_leaves(tmp_path):
    project = PROJECT + ("config:\n  hosts[1].port:\n    type: integer\n  hosts[0].token:\n    type: boolean\n"
                         "  hosts[0].name:\n    type: object\n")
    stack = (f"config:\n  test:hosts:\n    - token:\n        secure: {CIPHERTEXT}\n      name: {{a: 1}}\n"
             "    - port: 8080\n")
    config = load(tmp_path, project, stack)
    assert config.unchecked_keys == ("test:hosts[0].token",) and config.secret_keys == ("test:hosts",)
    assert error(tmp_path, project, stack.replace("port: 8080", "port: http")) == (
        "Pulumi.dev.yaml: Stack 'dev' with configuration key 'hosts[1].port' must be of type 'integer'")
    assert error(tmp_path, project, stack.replace("{a: 1}", "web")) == (
        "Pulumi.dev.yaml: Stack 'dev' with configuration key 'hosts[0].name' must be of type 'object'")


def test_nested_declared_values_build_their_containers(tmp_path):
    project = PROJECT + ("config:\n  a.b.c:\n    default: 'false'\n  a.b.d:\n    default: x\n"
                         "  l[0].n:\n    default: '7'\n  l[1]:\n    default: end\n")
    config = load(tmp_path, project)
    assert config.values == {"test:a": '{"b":{"c":false,"d":"x"}}', "test:l": '[{"n":7},"end"]'}
    assert "its path does not fit" in error(tmp_path, PROJECT + "config:\n  l[5]:\n    default: x\n")


@pytest.mark.parametrize(("key", "message"), [
    (".a", "invalid config key path .a"),
    ("a..b", "invalid config key path a..b"),
    ("[0]", "invalid config key path [0]"),  # the first element must be a name
])
def test_bad_key_paths_are_refused(tmp_path, key, message):
    assert load(tmp_path, PROJECT + "config:\n  '[\"x.y\"]':\n    default: 1\n").values == {"test:x.y": "1"}
    assert error(tmp_path, PROJECT + f"config:\n  '{key}':\n    default: 1\n") == f"Pulumi.yaml: {message}"


@pytest.mark.parametrize(("project", "message"), [
    ("runtime: python\n", "Pulumi.yaml: project is missing a 'name' attribute"),
    ("name: ''\n", "Pulumi.yaml: project is missing a non-empty string 'name' attribute"),
    ("name: [x]\n", "Pulumi.yaml: project is missing a non-empty string 'name' attribute"),
    ("- a\n", "Pulumi.yaml: expected the project to be an object"),
    (PROJECT + "config: [a]\n", "Pulumi.yaml: config must be a mapping of keys to declarations"),
    (PROJECT + "config:\n  v:\n", "Pulumi.yaml: config.v has no value"),
    (PROJECT + "config:\n  v: 1.5\n", "Pulumi.yaml: config.v must be a string, an integer, a boolean, an array or "
                                      "a declaration (got a float)"),
    (PROJECT + "config:\n  v: {tpye: string}\n", "Pulumi.yaml: config.v: 'tpye' not allowed; the allowed "
                                                  "attributes are"),
    (PROJECT + "config:\n  v: {type: number}\n", "Pulumi.yaml: config.v: type must be one of string, integer, "
                                                  "boolean, array, object"),
    (PROJECT + "config:\n  v: {type: array, items: {kind: string}}\n", "Pulumi.yaml: config.v: 'items' needs a "
                                                                        "'type'"),
    (PROJECT + "config:\n  v: {type: array, items: {type: string, of: x}}\n", "Pulumi.yaml: config.v.items: 'of' "
                                                                               "not allowed"),
    (PROJECT + "config:\n  v: {type: array, items: {type: array}}\n", "Pulumi.yaml: config.v.items: an array type "
                                                                       "needs 'items'"),
    (PROJECT + "config:\n  v: {type: array, items: {type: float}}\n", "Pulumi.yaml: config.v.items: type must be "
                                                                       "one of"),
    (PROJECT + "config:\n  v: {description: 3}\n", "Pulumi.yaml: config.v: description must be a string"),
    (PROJECT + "config:\n  v: {secret: 'yes'}\n", "Pulumi.yaml: config.v: secret must be a boolean"),
])
def test_malformed_projects_are_refused_naming_the_attribute(tmp_path, project, message):
    (tmp_path / "Pulumi.yaml").write_text(project)
    with pytest.raises(StackConfigError) as info:
        projectfile.load_project(tmp_path)
    assert str(info.value).startswith(message)


def test_a_missing_project_or_stack_file_is_named(tmp_path):
    with pytest.raises(StackConfigError, match=r"^Pulumi.yaml: file not found in "):
        stackconfig.load(tmp_path, "dev")
    write(tmp_path, PROJECT, None)
    with pytest.raises(StackConfigError, match=r"^Pulumi.dev.yaml: file not found in "):
        stackconfig.load(tmp_path, "dev")
    assert stackconfig.stack_names(tmp_path) == []


def test_an_empty_stack_file_or_config_is_no_config(tmp_path):
    assert load(tmp_path, PROJECT + "config:\n  v: 1\n", "").values == {"test:v": "1"}
    assert load(tmp_path, PROJECT, "secretsprovider: passphrase\nconfig:\n").values == {}
    assert error(tmp_path, PROJECT, "- a\n") == "Pulumi.dev.yaml: expected a mapping at the top level"
